"""Evaluation: benchmark layouts, k-shot prompts, letter scoring, the pairwise judge, decontamination."""

from pathlib import Path

import pytest
from eval_checks import check_accuracies
from fake_backend import FakeBackend

from kun.core.errors import KunError
from kun.core.params import from_mapping
from kun.evaluation.benchmarks import LETTERS, Question, load_benchmark
from kun.evaluation.choice import build_prompt, evaluate_multiple_choice, predict_multiple_choice
from kun.evaluation.decontaminate import EvalItem, contaminated, drop_contaminated_questions, eval_items
from kun.evaluation.judge import (
    combine_verdicts,
    generate_answers,
    judge_pairwise,
    load_judge_prompts,
    parse_verdict,
)
from kun.evaluation.run import EvaluateParams
from kun.llm import LLM
from kun.llm.base import SamplingParams

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "eval"
DEMO = Path(__file__).resolve().parent.parent / "data" / "eval" / "demo"


class LetterBackend:
    """Log-probabilities that favour one letter per prompt: `pick(prompt) -> letter`."""

    name = "letters"

    def __init__(self, pick, tag: str) -> None:
        self.pick = pick
        self.tag = tag
        self.pairs: list[tuple[str, str]] = []

    def fingerprint(self) -> str:
        return f"letters:{self.tag}"

    def generate(self, prompts, sampling):
        raise AssertionError("multiple choice never generates")

    def logprobs(self, pairs):
        self.pairs += pairs
        return [0.0 if continuation == self.pick(prompt) else -3.0 for prompt, continuation in pairs]


def oracle(benchmark):
    """A backend that knows every answer: it reads the last question of the prompt."""
    answers = {q.question: q.answer for rows in benchmark.questions.values() for q in rows}
    return LetterBackend(lambda prompt: answers[prompt.rsplit("\n\n", 1)[-1].split("\n", 1)[0]], "oracle")


def share_of_a(benchmark):
    answers = [q.answer for rows in benchmark.questions.values() for q in rows]
    return answers.count("A") / len(answers)


# -- layouts -------------------------------------------------------------------------------------


def test_ceval_layout_in_split_folders_with_bom_and_hidden_test_answers():
    benchmark = load_benchmark(FIXTURES / "ceval")
    assert (benchmark.name, benchmark.layout, benchmark.split) == ("ceval", "ceval", "val")
    assert benchmark.subjects == ["computer_network", "logic"]
    assert {s: len(rows) for s, rows in benchmark.questions.items()} == {"computer_network": 3, "logic": 3}
    assert {s: len(rows) for s, rows in benchmark.dev.items()} == {"computer_network": 2, "logic": 2}
    first = benchmark.questions["logic"][0]  # logic_val.csv starts with a BOM; the quoted comma survives
    assert first.id == "0" and first.question == "“如果下雨，那么地湿”，已知地不湿，可以推出____。"
    assert first.options == ("没有下雨", "下雨了", "地是湿的", "无法推出任何结论") and first.answer == "A"
    assert benchmark.dev["computer_network"][0].explanation == "TCP是传输层协议。"
    assert (
        benchmark.subject_names["logic"] == "逻辑学"
        and benchmark.subject_names["computer_network"] == "计算机网络"
    )
    # C-Eval's test split hides its answers: nothing left to score is an error that says so.
    with pytest.raises(KunError, match=r"no test question has an answer.*C-Eval: val"):
        load_benchmark(FIXTURES / "ceval", split="test")


def test_cmmlu_layout_defaults_to_its_test_split():
    benchmark = load_benchmark(FIXTURES / "cmmlu")
    assert (benchmark.layout, benchmark.split) == ("cmmlu", "test")
    assert {s: len(rows) for s, rows in benchmark.questions.items()} == {"agronomy": 2, "arts": 3}
    assert {s: len(rows) for s, rows in benchmark.dev.items()} == {"agronomy": 2, "arts": 2}
    question = benchmark.questions["agronomy"][1]
    assert (question.id, question.question, question.answer) == ("1", "大豆根瘤菌的主要作用是？", "B")
    assert question.options[1] == "固定空气中的氮"
    assert benchmark.subject_names["arts"] == "艺术学"
    with pytest.raises(KunError, match=r"no val files \(val/<subject>.csv\)"):
        load_benchmark(FIXTURES / "cmmlu", split="val")


def test_unknown_header_names_the_file_the_columns_and_both_layouts():
    with pytest.raises(KunError) as error:
        load_benchmark(FIXTURES / "bad_header")
    message = str(error.value)
    assert "history_val.csv" in message and "id,question,option_a,option_b,option_c,option_d,label" in message
    assert "C-Eval" in message and "CMMLU" in message and "\n" not in message


def test_missing_folder_empty_folder_and_mixed_layouts_are_user_errors(tmp_path):
    with pytest.raises(KunError, match="benchmark folder not found"):
        load_benchmark(tmp_path / "nope")
    with pytest.raises(KunError, match="no CSV files"):
        load_benchmark(tmp_path)
    (tmp_path / "a_val.csv").write_text("id,question,A,B,C,D,answer\n0,q,1,2,3,4,A\n", encoding="utf-8")
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "b.csv").write_text(",Question,A,B,C,D,Answer\n0,q,1,2,3,4,A\n", encoding="utf-8")
    with pytest.raises(KunError, match="mixes layouts"):
        load_benchmark(tmp_path)


def test_unanswered_questions_are_skipped_and_counted_and_bad_answers_fail(tmp_path):
    (tmp_path / "x_val.csv").write_text(
        "id,question,A,B,C,D,answer\n0,问题一,1,2,3,4,A\n1,问题二,1,2,3,4,\n2,问题三,1,2,3,4,d\n",
        encoding="utf-8",
    )
    benchmark = load_benchmark(tmp_path)
    assert [q.answer for q in benchmark.questions["x"]] == ["A", "D"]
    assert (
        benchmark.unanswered == {"x": 1} and "skipped 1 val questions without an answer" in benchmark.notes[0]
    )
    (tmp_path / "x_val.csv").write_text("id,question,A,B,C,D,answer\n0,问题一,1,2,3,4,E\n", encoding="utf-8")
    with pytest.raises(KunError, match=r"x_val.csv:2: answer 'E' is not one of A, B, C, D"):
        load_benchmark(tmp_path)


def test_demo_benchmark_loads():
    benchmark = load_benchmark(DEMO)
    assert (benchmark.name, benchmark.layout, benchmark.split) == ("demo", "ceval", "val")
    assert benchmark.subjects == ["chinese_literature", "elementary_mathematics", "high_school_geography"]
    assert all(len(benchmark.questions[s]) == 15 and len(benchmark.dev[s]) == 5 for s in benchmark.subjects)
    assert benchmark.num_questions == 45 and sum(benchmark.unanswered.values()) == 0
    assert all(q.answer in LETTERS for rows in benchmark.questions.values() for q in rows)


# -- multiple choice -----------------------------------------------------------------------------


def test_prompt_with_shots_is_exact():
    shot = Question("logic", "s", "例题____。", ("甲", "乙", "丙", "丁"), "C")
    question = Question("logic", "0", " 问题甲____。", ("一", "二", "三", "四"), "B")
    expected = (
        "以下是中国关于逻辑学考试的单项选择题，请选出其中的正确答案。\n\n"
        "例题____。\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n答案：C\n\n"
        "问题甲____。\nA. 一\nB. 二\nC. 三\nD. 四\n答案："
    )
    assert build_prompt(question, [shot], "逻辑学") == expected
    assert (
        build_prompt(question, [], "逻辑学")
        == expected.split("\n\n")[0] + "\n\n" + expected.split("\n\n")[-1]
    )


def test_k_shot_prompts_use_the_first_k_dev_questions_and_bare_letters():
    benchmark = load_benchmark(FIXTURES / "ceval")
    backend = LetterBackend(lambda prompt: "A", "always-a")
    predict_multiple_choice(LLM(backend), benchmark, 2)
    prompt, _ = backend.pairs[0]
    dev = benchmark.dev["computer_network"]
    assert prompt.startswith(
        "以下是中国关于计算机网络考试的单项选择题，请选出其中的正确答案。\n\nTCP协议工作在OSI参考模型的____。\nA. 传输层"
    )
    assert f"答案：{dev[0].answer}\n\n{dev[1].question}" in prompt and prompt.endswith("答案：")
    assert prompt.count("答案：") == 3
    assert [continuation for _, continuation in backend.pairs[:4]] == ["A", "B", "C", "D"]
    assert len(backend.pairs) == 4 * benchmark.num_questions
    with pytest.raises(KunError, match="has 2 ceval dev examples, 3-shot needs 3"):
        predict_multiple_choice(LLM(backend), benchmark, 3)


@pytest.mark.parametrize("folder", ["ceval", "cmmlu"])
def test_oracle_scores_one_and_always_a_scores_the_share_of_a(folder):
    benchmark = load_benchmark(FIXTURES / folder)
    perfect = evaluate_multiple_choice(LLM(oracle(benchmark)), benchmark, [0, 2])
    assert set(perfect["shots"]) == {"0-shot", "2-shot"}
    for result in perfect["shots"].values():
        assert (
            result["accuracy"] == 1.0
            and result["micro_accuracy"] == 1.0
            and result["n"] == benchmark.num_questions
        )
        assert {s: v["n"] for s, v in result["subjects"].items()} == {
            s: len(rows) for s, rows in benchmark.questions.items()
        }
    always_a = evaluate_multiple_choice(LLM(LetterBackend(lambda prompt: "A", "always-a")), benchmark, 0)[
        "shots"
    ]["0-shot"]
    assert always_a["micro_accuracy"] == pytest.approx(share_of_a(benchmark), abs=1e-4)
    for subject, value in always_a["subjects"].items():
        answers = [q.answer for q in benchmark.questions[subject]]
        assert value["accuracy"] == pytest.approx(answers.count("A") / len(answers), abs=1e-4)
    expected_macro = sum(v["correct"] / v["n"] for v in always_a["subjects"].values()) / len(
        always_a["subjects"]
    )
    assert always_a["accuracy"] == pytest.approx(expected_macro, abs=1e-4)


def test_demo_oracle_and_always_a():
    benchmark = load_benchmark(DEMO)
    result = evaluate_multiple_choice(LLM(oracle(benchmark)), benchmark, [0, 5])
    assert result["questions"] == 45 and result["shots"]["5-shot"]["accuracy"] == 1.0
    always_a = evaluate_multiple_choice(LLM(LetterBackend(lambda prompt: "A", "always-a")), benchmark, [5])
    assert always_a["shots"]["5-shot"]["micro_accuracy"] == pytest.approx(share_of_a(benchmark), abs=1e-4)
    assert 0.2 < share_of_a(benchmark) < 0.3  # the demo balances its letters


def test_evaluate_params_validate_num_shots():
    assert from_mapping(EvaluateParams, {"num_shots": [0, 5]}, "evaluate").num_shots == [0, 5]
    with pytest.raises(KunError, match="evaluate.num_shots"):
        from_mapping(EvaluateParams, {"num_shots": [5, 5]}, "evaluate")
    with pytest.raises(KunError, match="evaluate.split"):
        from_mapping(EvaluateParams, {"split": "dev"}, "evaluate")


def test_tiny_random_model_on_the_demo_benchmark(tiny_model_dir):
    from kun.llm.transformers_backend import TransformersBackend

    benchmark = load_benchmark(DEMO)
    llm = LLM(TransformersBackend(tiny_model_dir, device="cpu", batch_size=16))
    result = evaluate_multiple_choice(llm, benchmark, [0, 1])
    for shots in ("0-shot", "1-shot"):
        summary = result["shots"][shots]
        check_accuracies(summary)
        assert summary["n"] == 45 and all(v["n"] == 15 for v in summary["subjects"].values())
    assert llm.stats["backend_calls"] == 2 * 45 * 4


# -- pairwise judge ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("回答1更准确，也更完整。\n更好的回答：1", ("1", None)),
        ("两者都对。\n\n**更好的回答：平局**\n", ("tie", None)),
        ("回答2更好。\n更好的回答:２。", ("2", None)),  # ASCII colon, full-width digit
        ("更好的回答：3", (None, "no_verdict_line")),  # malformed: no such answer
        ("我认为回答1更好。", (None, "no_verdict_line")),  # malformed: no verdict line
        ("更好的回答：1\n以上是我的判断。", (None, "no_verdict_line")),  # verdict not on the last line
        ("", (None, "empty_reply")),
        ("  \n\n", (None, "empty_reply")),
        (None, (None, "empty_reply")),
        ("回答1在准确性上更好，而回答2", (None, "no_verdict_line")),  # truncated mid-sentence
        ("理由略。\n更好的回答：", (None, "no_verdict_line")),  # truncated before the verdict
    ],
)
def test_parse_verdict(reply, expected):
    assert parse_verdict(reply) == expected


def test_combine_verdicts_over_both_orders():
    # First argument: A shown as answer 1; second: B shown as answer 1.
    assert combine_verdicts("1", "2") == ("win", False)  # A preferred in both orders
    assert combine_verdicts("2", "1") == ("loss", False)
    assert combine_verdicts("tie", "tie") == ("tie", False)
    assert combine_verdicts("1", "1") == ("tie", True)  # always the first answer: position bias
    assert combine_verdicts("2", "2") == ("tie", True)
    assert combine_verdicts("1", "tie") == ("tie", True)
    assert combine_verdicts(None, "2") == ("unparsable", False)


def test_judge_pairwise_end_to_end():
    def judge(user_message: str) -> str:
        answer_1 = user_message.split("[回答1开始]\n", 1)[1].split("\n[回答1结束]", 1)[0]
        answer_2 = user_message.split("[回答2开始]\n", 1)[1].split("\n[回答2结束]", 1)[0]
        if "位置" in user_message:
            return "第一个更好。\n更好的回答：1"  # biased: always the first answer
        if "乱码" in user_message:
            return "无法判断"
        if answer_1 == answer_2:
            return "一样好。\n更好的回答：平局"
        return "更好的回答：1" if "好" in answer_1 else "更好的回答：2"

    llm = LLM(FakeBackend(replies=judge))
    questions = ["问题一", "问题二", "问题三", "位置问题", "乱码问题"]
    answers_a = ["好的回答", "坏的回答", "一样", "好的回答", "好的回答"]
    answers_b = ["坏的回答", "好的回答", "一样", "坏的回答", "坏的回答"]
    result = judge_pairwise(
        llm, questions, answers_a, answers_b, categories=["知识", "知识", "知识", "写作", "写作"]
    )
    assert (result["wins"], result["losses"], result["ties"], result["unparsable"]) == (1, 1, 2, 1)
    assert result["judged"] == 4 and result["prompts"] == 5
    assert result["win_rate"] == 0.5 and result["rates"] == {"win": 0.25, "tie": 0.5, "loss": 0.25}
    assert result["position_inconsistent"] == 1 and result["position_inconsistency_rate"] == 0.25
    assert result["reply_errors"] == {"no_verdict_line": 2}
    assert result["by_category"]["写作"]["ties"] == 1 and result["by_category"]["写作"]["unparsable"] == 1
    assert [item["outcome"] for item in result["items"]] == ["win", "loss", "tie", "tie", "unparsable"]
    # Every question is judged in both orders: 10 requests, but the tie question's two orders
    # are the same conversation, which the LLM layer computes once.
    assert len(llm.backend.generated) == 9


def test_generate_answers_sends_chat_conversations_and_judge_prompts_load(repo_root):
    backend = FakeBackend(replies=lambda text: f"答：{text}")
    answers = generate_answers(LLM(backend), ["你好", "天为什么是蓝的？"], SamplingParams(max_new_tokens=16))
    assert answers == ["答：你好", "答：天为什么是蓝的？"]
    rows = load_judge_prompts(repo_root / "data" / "eval" / "judge_prompts.jsonl")
    assert len(rows) == 26 and rows[0]["id"] == "j01" and rows[0]["category"] == "知识问答"


# -- decontamination -----------------------------------------------------------------------------


def test_planted_question_is_found_and_dropped():
    benchmark = load_benchmark(DEMO)
    target = benchmark.questions["high_school_geography"][0]  # 影响我国的夏季风主要来自____。 + options
    planted = (
        f"请回答下面的选择题：{target.question.replace('____', '（ ）')} 选项：{'，'.join(target.options)}"
    )
    train_texts = [
        "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
        "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？",
        planted + "\n答案是太平洋和印度洋。",
        "我国的季风气候显著，夏季风带来了丰沛的降水。",  # same topic, no shared 13-gram
    ]
    report = contaminated(train_texts, eval_items(benchmark), n=13)
    assert report.contaminated_questions == {"demo": [target.key]}
    assert report.overlapping_train_rows == [2] and report.matches == {2: [f"demo/{target.key}"]}
    # "7.2 ÷ 0.9 = ____。" and its options normalise to 11 characters: too short to check.
    assert report.metrics()["benchmarks"]["demo"] == {
        "questions": 45,
        "contaminated": 1,
        "too_short": 1,
        "rate": round(1 / 45, 4),
    }
    clean = drop_contaminated_questions(benchmark, report)
    assert clean.num_questions == 44 and target not in clean.questions["high_school_geography"]
    assert clean.contaminated["high_school_geography"] == 1 and benchmark.num_questions == 45
    result = evaluate_multiple_choice(LLM(oracle(clean)), clean, 0)
    assert (
        result["contaminated_dropped"] == 1
        and result["shots"]["0-shot"]["subjects"]["high_school_geography"]["n"] == 14
    )


def test_unrelated_text_and_short_items():
    items = [
        EvalItem("b", "s/0", "十三个字以内"),
        EvalItem("b", "s/1", "长城是中国古代的军事防御工程，全长两万多公里。"),
    ]
    report = contaminated(["黄河是中国第二长河。", "长城是中国古代的军事防御工程"], items, n=13)
    assert report.benchmarks["b"] == {"questions": 2, "contaminated": 1, "too_short": 1}
    assert report.contaminated_questions == {"b": ["s/1"]} and report.overlapping_train_rows == [1]
    assert contaminated(["黄河是中国第二长河。"], items, n=13).contaminated_questions == {"b": []}


def test_judge_logprob_mode_gives_a_verdict_for_every_pair(tmp_path):
    from fake_backend import FakeBackend

    from kun.evaluation.judge import judge_pairwise
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    llm = LLM(FakeBackend(), RecordCache(tmp_path / "c.sqlite"))
    result = judge_pairwise(
        llm,
        ["问题一", "问题二", "问题三"],
        ["甲答", "乙答", "丙答"],
        ["甲另答", "乙另答", "丙另答"],
        mode="logprob",
    )
    assert result["judged"] == 3 and result["unparsable"] == 0
    assert result["wins"] + result["ties"] + result["losses"] == 3
    assert all(item["verdict_a_first"] in ("1", "2", "tie") for item in result["items"])


def test_judge_prompts_bad_lines_name_file_and_line(tmp_path):
    path = tmp_path / "prompts.jsonl"
    path.write_text('\ufeff{"id": "a", "prompt": "你好"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(KunError, match=r"prompts.jsonl:2: expected an object with a non-empty"):
        load_judge_prompts(path)
    path.write_text('{"id": "a", "prompt": "你好"}\n{broken\n', encoding="utf-8")
    with pytest.raises(KunError, match=r"prompts.jsonl:2: malformed JSON"):
        load_judge_prompts(path)
    path.write_text('\ufeff{"prompt": "你好"}\n', encoding="utf-8")
    assert load_judge_prompts(path) == [{"id": "1", "category": "", "prompt": "你好"}]
