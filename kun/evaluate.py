"""Evaluate: multiple-choice benchmarks (C-Eval, CMMLU) and pairwise comparison by an LLM judge.

Reads benchmark folders of per-subject CSV files and a JSONL of open questions; writes nothing
itself (the evaluate stage writes the metrics). Paper step: the last box of the pipeline, which
measures what fine-tuning on the Kun dataset bought.

Multiple choice, scored as lm-evaluation-harness scores C-Eval and CMMLU (log-likelihood of each
answer letter, prediction = argmax, no generation and so nothing to parse):

    以下是中国关于{科目}考试的单项选择题，请选出其中的正确答案。\\n\\n     (kun/prompts/mcq.header.zh.j2)
    {dev question}\\nA. ..\\nB. ..\\nC. ..\\nD. ..\\n答案：{letter}\\n\\n      (k shots from the dev split)
    {question}\\nA. ..\\nB. ..\\nC. ..\\nD. ..\\n答案：

The prompt is plain text (no chat template), so the base model and the fine-tuned model see the
same bytes. The continuations scored are the bare letters "A".."D" with no leading space: the
shots read "答案：A", and a space after a full-width colon never occurs in Chinese text. (The
harness's default target delimiter is a space, " A"; with our convention the numbers can differ
from the harness's by a little.) Ties go to the earlier letter. Prompts longer than the
backend's `max_input_tokens` keep their end, i.e. lose their first shots, as in the harness.

Pairwise judge: the judge sees (question, answer 1, answer 2) twice, once with model A's answer
first and once with B's first, and must end its reply with a line `更好的回答：1|2|平局`
(kun/prompts/judge.*.zh.j2). The same winner in both orders is a win or a loss; any
disagreement between the orders is position bias, counted as a tie and as position-inconsistent
(the MT-Bench rule). A reply without a valid last line makes that question unparsable, its own
bucket, kept out of the rates.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal, Sequence

from kun import prompts as templates
from kun.errors import KunError
from kun.llm import LLM
from kun.llm.base import Conversation, SamplingParams
from kun.params import require

LETTERS = ("A", "B", "C", "D")
CEVAL_COLUMNS = ["id", "question", "A", "B", "C", "D"]  # then answer, explanation (both optional)
CMMLU_COLUMNS = ["", "Question", "A", "B", "C", "D", "Answer"]  # the first is pandas' unnamed index
EXPECTED_LAYOUTS = "C-Eval `id,question,A,B,C,D,answer[,explanation]` (files <subject>_dev.csv, <subject>_val.csv) or CMMLU `,Question,A,B,C,D,Answer` (files dev/<subject>.csv, test/<subject>.csv)"

Layout = Literal["ceval", "cmmlu"]
Verdict = Literal["1", "2", "tie"]


@dataclass
class EvaluateParams:
    model: str = "models/final"  # the fine-tuned model
    baseline: str = "models/base"  # scored in the same run, so the metrics show the delta
    judge: str = "models/base"  # judge model for the pairwise comparison
    judge_limit: int = 0  # judge only the first N prompts (0 = all)
    judge_mode: Literal["generate", "logprob"] = "generate"  # generate: reasons + verdict line; logprob: most likely verdict line
    benchmarks: list[str] = field(default_factory=lambda: ["data/eval/demo"])  # folders in C-Eval or CMMLU layout
    split: Literal["val", "test"] | None = None  # scored split; null: val for C-Eval, test for CMMLU
    dev_split: str = "dev"  # split the shots come from
    num_shots: list[int] = field(default_factory=lambda: [0, 5])  # one accuracy per entry
    drop_contaminated: bool = True  # drop benchmark questions sharing a character n-gram with the training data (always measured)
    ngram: int = 13  # character n-gram size of the contamination check
    judge_prompts: str = "data/eval/judge_prompts.jsonl"  # {"id", "category", "prompt"} per line
    answer_max_new_tokens: int = 512  # answers of the compared models (greedy)
    judge_max_new_tokens: int = 512  # room for the judge's reasons and its verdict line
    seed: int = 0
    language: str = "zh"

    def validate(self, section: str) -> None:
        require(bool(self.benchmarks), f"{section}.benchmarks", "list at least one benchmark folder")
        require(bool(self.num_shots), f"{section}.num_shots", "list at least one shot count, e.g. [0, 5]")
        require(all(k >= 0 for k in self.num_shots), f"{section}.num_shots", f"{self.num_shots} has a negative count; use counts >= 0")
        require(len(set(self.num_shots)) == len(self.num_shots), f"{section}.num_shots", f"{self.num_shots} repeats a count")
        require(self.ngram >= 1, f"{section}.ngram", "must be >= 1")
        require(self.answer_max_new_tokens >= 1, f"{section}.answer_max_new_tokens", "must be >= 1")
        require(self.judge_max_new_tokens >= 1, f"{section}.judge_max_new_tokens", "must be >= 1")


# -- benchmarks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    subject: str
    id: str
    question: str
    options: tuple[str, str, str, str]
    answer: str | None  # "A".."D"; None where the split hides its answers (C-Eval test)
    explanation: str = ""

    @property
    def key(self) -> str:
        """`<subject>/<id>`, unique within a benchmark."""
        return f"{self.subject}/{self.id}"


@dataclass
class Benchmark:
    name: str
    directory: Path
    layout: Layout
    split: str
    questions: dict[str, list[Question]]  # subject -> scored questions (answered ones only)
    dev: dict[str, list[Question]]  # subject -> few-shot examples, in file order
    subject_names: dict[str, str]  # subject -> name shown in the prompt (Chinese where known)
    unanswered: dict[str, int] = field(default_factory=dict)  # subject -> questions skipped (no answer)
    contaminated: dict[str, int] = field(default_factory=dict)  # subject -> questions dropped (see kun.decontaminate)
    notes: list[str] = field(default_factory=list)  # what was skipped or dropped, for the stage's log

    @property
    def subjects(self) -> list[str]:
        return sorted(self.questions)

    @property
    def num_questions(self) -> int:
        return sum(len(rows) for rows in self.questions.values())


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of a CSV file; UTF-8 with or without BOM."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except UnicodeDecodeError:
        raise KunError(f"{path}: not UTF-8 text; re-save the CSV as UTF-8") from None
    except csv.Error as error:
        raise KunError(f"{path}: malformed CSV ({error}); fix the quoting") from None
    return header, rows


def _read_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [name.strip() for name in next(csv.reader(handle), [])]
    except UnicodeDecodeError:
        raise KunError(f"{path}: not UTF-8 text; re-save the CSV as UTF-8") from None


def detect_layout(header: list[str], path: Path | str) -> Layout:
    """Which official layout a header belongs to, or a KunError naming the file and its columns."""
    if header[:6] == CEVAL_COLUMNS and header[6:] in ([], ["answer"], ["answer", "explanation"]):
        return "ceval"
    if len(header) == 7 and header[0] in ("", "Unnamed: 0") and header[1:] == CMMLU_COLUMNS[1:]:
        return "cmmlu"
    found = ",".join(header) if header else "(empty file)"
    raise KunError(f"{path}: unknown benchmark header `{found}`; expected {EXPECTED_LAYOUTS}")


def _subject_of(path: Path, layout: Layout, split: str, directory: Path) -> str | None:
    """The subject a file holds if it belongs to `split`, else None."""
    if layout == "ceval":
        suffix = f"_{split}"
        return path.stem[: -len(suffix)] if path.stem.endswith(suffix) and len(path.stem) > len(suffix) else None
    return path.stem if path.parent.name == split and path.parent.parent == directory else None


def _load_questions(path: Path, layout: Layout, subject: str) -> list[Question]:
    header, rows = _read_rows(path)
    found = detect_layout(header, path)
    if found != layout:
        raise KunError(f"{path}: {found} header in a {layout} folder; keep one layout per folder")
    questions = []
    for line, row in rows:
        if len(row) != len(header):
            raise KunError(f"{path}:{line}: {len(row)} fields, the header has {len(header)}; quote fields that contain commas")
        record = dict(zip(header, (cell.strip() for cell in row)))
        if layout == "ceval":
            identifier, text, answer, explanation = record["id"], record["question"], record.get("answer", ""), record.get("explanation", "")
        else:
            identifier, text, answer, explanation = record[header[0]] or str(len(questions)), record["Question"], record["Answer"], ""
        answer = answer.upper()
        if answer and answer not in LETTERS:
            raise KunError(f"{path}:{line}: answer {answer!r} is not one of A, B, C, D")
        questions.append(Question(subject, identifier, text, tuple(record[letter] for letter in LETTERS), answer or None, explanation))
    duplicates = [key for key, count in Counter(q.id for q in questions).items() if count > 1]
    if duplicates:
        raise KunError(f"{path}: id {duplicates[0]!r} appears more than once; ids must be unique within a subject")
    return questions


def _subject_names(directory: Path, layout: Layout) -> dict[str, str]:
    """Chinese subject names: the built-in C-Eval/CMMLU tables, overridden by the folder's own
    `subject_mapping.json` (C-Eval's format, {subject: [English, Chinese, category]}, or {subject: name})."""
    names = {**(CMMLU_SUBJECTS if layout == "ceval" else CEVAL_SUBJECTS), **(CEVAL_SUBJECTS if layout == "ceval" else CMMLU_SUBJECTS)}
    mapping_path = directory / "subject_mapping.json"
    if mapping_path.exists():
        try:
            mapping = json.loads(mapping_path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as error:
            raise KunError(f"{mapping_path}: invalid JSON ({error.msg} at line {error.lineno}); fix it or delete the file") from None
        for subject, value in mapping.items():
            if isinstance(value, list) and len(value) >= 2 and isinstance(value[1], str):
                names[subject] = value[1]
            elif isinstance(value, str):
                names[subject] = value
            else:
                raise KunError(f"{mapping_path}: {subject}: expected [English, Chinese, category] or a name, got {value!r}")
    return names


def load_benchmark(directory: str | Path, split: Literal["val", "test"] | None = None, dev_split: str = "dev", name: str | None = None) -> Benchmark:
    """Read a benchmark folder in C-Eval or CMMLU layout, detected from the CSV headers.

    C-Eval: `<subject>_{dev,val,test}.csv`, in the folder itself or in dev/, val/, test/ under it.
    CMMLU: `dev/<subject>.csv` and `test/<subject>.csv`. `split` None scores val (C-Eval) or test
    (CMMLU, which has no val). Questions without an answer (C-Eval's test split hides them) are
    skipped and counted in `unanswered` and `notes`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise KunError(f"{directory}: benchmark folder not found; fix the path in params.yaml or put the benchmark CSVs there")
    files = sorted(directory.glob("*.csv")) + sorted(directory.glob("*/*.csv"))
    if not files:
        raise KunError(f"{directory}: no CSV files; expected {EXPECTED_LAYOUTS}")
    layouts = {path: detect_layout(_read_header(path), path) for path in files}
    if len(set(layouts.values())) > 1:
        by_layout = {layout: next(path for path, found in layouts.items() if found == layout) for layout in set(layouts.values())}
        raise KunError(f"{directory}: mixes layouts ({by_layout['ceval']} is C-Eval, {by_layout['cmmlu']} is CMMLU); keep one benchmark per folder")
    layout: Layout = next(iter(layouts.values()))
    split = split or ("val" if layout == "ceval" else "test")

    def split_files(which: str) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for path in files:
            subject = _subject_of(path, layout, which, directory)
            if subject is None:
                continue
            if subject in found:
                raise KunError(f"{directory}: subject {subject!r} has two {which} files ({found[subject]} and {path}); keep one")
            found[subject] = path
        return found

    scored_files = split_files(split)
    if not scored_files:
        pattern = f"<subject>_{split}.csv" if layout == "ceval" else f"{split}/<subject>.csv"
        raise KunError(f"{directory}: no {split} files ({pattern}) in this {layout} folder; set the split to one the folder has")
    dev_files = split_files(dev_split)
    questions, dev, unanswered, notes = {}, {}, {}, []
    for subject, path in sorted(scored_files.items()):
        rows = _load_questions(path, layout, subject)
        questions[subject] = [q for q in rows if q.answer is not None]
        unanswered[subject] = len(rows) - len(questions[subject])
        dev[subject] = [q for q in _load_questions(dev_files[subject], layout, subject) if q.answer is not None] if subject in dev_files else []
    skipped = sum(unanswered.values())
    if skipped:
        notes.append(f"{directory}: skipped {skipped} {split} questions without an answer (the {split} split hides its answers)")
    if not any(questions.values()):
        raise KunError(f"{directory}: no {split} question has an answer; score a split with answers (C-Eval: val)")
    return Benchmark(name or directory.name, directory, layout, split, questions, dev, _subject_names(directory, layout), unanswered, {}, notes)


# -- multiple choice -----------------------------------------------------------------------------


def format_question(question: Question, with_answer: bool) -> str:
    options = "".join(f"\n{letter}. {text}" for letter, text in zip(LETTERS, question.options))
    text = f"{question.question.strip()}{options}\n答案："
    return f"{text}{question.answer}\n\n" if with_answer else text


def build_prompt(question: Question, shots: Sequence[Question], subject_name: str, language: str = "zh") -> str:
    """Header, the shots with their answers, then the question ending in `答案：`."""
    header = templates.render("mcq", "header", language, subject=subject_name) + "\n\n"
    return header + "".join(format_question(shot, with_answer=True) for shot in shots) + format_question(question, with_answer=False)


def predict_multiple_choice(llm: LLM, benchmark: Benchmark, num_shots: int, language: str = "zh") -> list[dict[str, Any]]:
    """One row per scored question: subject, id, answer, prediction, correct, logprobs (A-D)."""
    prompt_of_question: list[tuple[Question, str]] = []
    for subject in benchmark.subjects:
        shots = benchmark.dev[subject][:num_shots]
        if len(shots) < num_shots:
            raise KunError(
                f"{benchmark.directory}: subject {subject!r} has {len(shots)} {benchmark.layout} dev examples, {num_shots}-shot needs {num_shots}; "
                "lower num_shots or add dev questions"
            )
        name = benchmark.subject_names.get(subject, subject.replace("_", " "))
        prompt_of_question += [(question, build_prompt(question, shots, name, language)) for question in benchmark.questions[subject]]
    pairs = [(prompt, letter) for _, prompt in prompt_of_question for letter in LETTERS]
    values = llm.logprobs(pairs, desc=f"{benchmark.name} {num_shots}-shot")
    rows = []
    for index, (question, _) in enumerate(prompt_of_question):
        scores = values[4 * index : 4 * index + 4]
        prediction = LETTERS[max(range(4), key=lambda i: (scores[i], -i))]
        rows.append({"subject": question.subject, "id": question.id, "answer": question.answer, "prediction": prediction, "correct": prediction == question.answer, "logprobs": scores})
    return rows


def accuracy_report(predictions: list[dict[str, Any]], subjects: Iterable[str] = ()) -> dict[str, Any]:
    """Accuracy per subject, their unweighted mean (`accuracy`, C-Eval's average) and the share of
    all questions (`micro_accuracy`). Subjects left with no question have accuracy None."""
    correct, total = Counter(), Counter()
    for row in predictions:
        total[row["subject"]] += 1
        correct[row["subject"]] += bool(row["correct"])
    per_subject = {
        subject: {"accuracy": round(correct[subject] / total[subject], 4) if total[subject] else None, "correct": correct[subject], "n": total[subject]}
        for subject in sorted(set(subjects) | set(total))
    }
    scored = [value["accuracy"] for value in per_subject.values() if value["accuracy"] is not None]
    n = sum(total.values())
    return {
        "accuracy": round(sum(scored) / len(scored), 4) if scored else None,
        "micro_accuracy": round(sum(correct.values()) / n, 4) if n else None,
        "n": n,
        "subjects": per_subject,
    }


def evaluate_multiple_choice(llm: LLM, benchmark: Benchmark, num_shots: int | Sequence[int], language: str = "zh") -> dict[str, Any]:
    """Accuracy of `llm` on `benchmark` for each shot count, keyed `"<k>-shot"`."""
    counts = [num_shots] if isinstance(num_shots, int) else list(num_shots)
    results = {
        f"{k}-shot": accuracy_report(predict_multiple_choice(llm, benchmark, k, language), benchmark.subjects)
        for k in counts
    }
    return {
        "benchmark": benchmark.name,
        "layout": benchmark.layout,
        "split": benchmark.split,
        "questions": benchmark.num_questions,
        "unanswered_skipped": sum(benchmark.unanswered.values()),
        "contaminated_dropped": sum(benchmark.contaminated.values()),
        "continuation": "bare letter A-D after 答案：",
        "prompt_version": templates.prompt_version("mcq", language),
        "model": llm.fingerprint,
        "shots": results,
        "notes": list(benchmark.notes),
    }


# -- pairwise judge ------------------------------------------------------------------------------

_VERDICT_LINE = re.compile(r"^[\s*#>]*更好的回答\s*:\s*\**\s*(1|2|平局)\s*\**\s*[。.]?\s*$")


def load_judge_prompts(path: str | Path) -> list[dict[str, str]]:
    """Rows {"id", "category", "prompt"} of a JSONL file, in file order."""
    from kun.io import iter_records

    path = Path(path)
    if not path.exists():
        raise KunError(f"{path}: judge prompts not found; fix evaluate.judge_prompts in params.yaml")
    rows = []
    for where, row in iter_records(path, "jsonl"):
        if not isinstance(row.get("prompt"), str) or not row["prompt"].strip():
            raise KunError(f"{where}: expected an object with a non-empty \"prompt\" string")
        rows.append({"id": str(row.get("id", len(rows) + 1)), "category": str(row.get("category", "")), "prompt": row["prompt"]})
    if not rows:
        raise KunError(f"{path}: no judge prompts; add lines {{\"id\", \"category\", \"prompt\"}}")
    return rows


def generate_answers(llm: LLM, prompts: Sequence[str], sampling: SamplingParams, system: str | None = None, desc: str = "answer") -> list[str]:
    """Each prompt as a one-turn chat conversation (optionally after a system message)."""
    head: Conversation = [{"role": "system", "content": system}] if system else []
    return llm.generate([[*head, {"role": "user", "content": prompt}] for prompt in prompts], sampling, desc=desc)


def _neutralise(answer: str) -> str:
    # An answer cannot close its own block or fake the other's.
    return re.sub(r"\[(回答[12](?:开始|结束))\]", r"[ \1 ]", answer)


def judge_messages(question: str, answer_1: str, answer_2: str, language: str = "zh", task: str = "judge") -> Conversation:
    """One user turn, no system message: the judge is a chat model trained without one.
    `task` judge asks for reasons and a verdict line; judge_choice for one letter (A / B / C)."""
    return [{"role": "user", "content": templates.render(task, "user", language, question=question, answer_1=_neutralise(answer_1), answer_2=_neutralise(answer_2))}]


def parse_verdict(reply: str | None) -> tuple[Verdict | None, str | None]:
    """("1" | "2" | "tie", None) from a last non-empty line `更好的回答：1|2|平局`, or (None, reason)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    last = unicodedata.normalize("NFKC", [line for line in reply.splitlines() if line.strip()][-1])
    match = _VERDICT_LINE.match(last)
    if not match:
        return None, "no_verdict_line"
    return ("tie" if match.group(1) == "平局" else match.group(1)), None  # type: ignore[return-value]


def combine_verdicts(a_first: Verdict | None, b_first: Verdict | None) -> tuple[str, bool]:
    """(outcome for A, position_inconsistent) from the verdict with A shown as answer 1 and the
    verdict with B shown as answer 1. Outcome: win, loss, tie or unparsable."""
    if a_first is None or b_first is None:
        return "unparsable", False
    first = {"1": "A", "2": "B", "tie": "tie"}[a_first]
    second = {"1": "B", "2": "A", "tie": "tie"}[b_first]
    if first != second:
        return "tie", True
    return {"A": "win", "B": "loss", "tie": "tie"}[first], False


def summarize_outcomes(outcomes: Sequence[str], inconsistent: Sequence[bool]) -> dict[str, Any]:
    counts = Counter(outcomes)
    judged = counts["win"] + counts["tie"] + counts["loss"]

    def rate(value: int) -> float | None:
        return round(value / judged, 4) if judged else None

    return {
        "prompts": len(outcomes),
        "judged": judged,
        "wins": counts["win"],
        "ties": counts["tie"],
        "losses": counts["loss"],
        "unparsable": counts["unparsable"],
        "rates": {"win": rate(counts["win"]), "tie": rate(counts["tie"]), "loss": rate(counts["loss"])},
        "win_rate": round((counts["win"] + 0.5 * counts["tie"]) / judged, 4) if judged else None,
        "position_inconsistent": sum(inconsistent),
        "position_inconsistency_rate": rate(sum(inconsistent)),
    }


def judge_pairwise(
    judge_llm: LLM,
    prompts: Sequence[str],
    answers_a: Sequence[str],
    answers_b: Sequence[str],
    sampling: SamplingParams | None = None,
    categories: Sequence[str] | None = None,
    language: str = "zh",
    mode: str = "generate",
) -> dict[str, Any]:
    """Win/tie/loss of model A against model B, judged in both orders.

    `mode="generate"`: the judge writes its reasons and a final verdict line, parsed strictly.
    `mode="logprob"`: the prompt asks for one letter (A: answer 1 is better, B: answer 2, C: a
    tie) and the verdict is the most likely of the three single-token replies, read from one
    forward pass (or a served model's top log-probabilities of its first token), so a small judge
    that cannot follow a format still gives a verdict. A judge whose top tokens hold none of the
    letters gives no verdict (`no_verdict_token`), never a default one.

    Returns summarize_outcomes' keys (rates over the judged questions, unparsable ones left out),
    plus `reply_errors` (unparsable judge replies by reason), `by_category` when categories are
    given, `prompt_version`, `judge` (model fingerprint) and `items`: one row per question with
    both raw replies, for inspection (write it beside the metrics, not into them).
    """
    if not len(prompts) == len(answers_a) == len(answers_b):
        raise ValueError(f"judge_pairwise: {len(prompts)} prompts, {len(answers_a)} answers A, {len(answers_b)} answers B")
    sampling = sampling or SamplingParams(temperature=0.0, max_new_tokens=512)
    task = "judge_choice" if mode == "logprob" else "judge"
    conversations = [judge_messages(p, a, b, language, task) for p, a, b in zip(prompts, answers_a, answers_b)]
    conversations += [judge_messages(p, b, a, language, task) for p, a, b in zip(prompts, answers_a, answers_b)]
    count = len(prompts)
    if mode == "logprob":
        options = {"1": "A", "2": "B", "tie": "C"}
        values = judge_llm.logprobs([(conversation, letter) for conversation in conversations for letter in options.values()], desc="judge")
        parsed, replies = [], []
        for index in range(len(conversations)):
            scores = {key: value for key, value in zip(options, values[3 * index : 3 * index + 3]) if value is not None}
            parsed.append((max(scores, key=scores.get), None) if scores else (None, "no_verdict_token"))
            replies.append(json.dumps({key: round(value, 4) for key, value in scores.items()}))
    else:
        replies = judge_llm.generate(conversations, sampling, desc="judge")
        parsed = [parse_verdict(reply) for reply in replies]
    items = []
    for index in range(count):
        (a_first, a_error), (b_first, b_error) = parsed[index], parsed[count + index]
        outcome, inconsistent = combine_verdicts(a_first, b_first)
        items.append({
            "index": index,
            "category": categories[index] if categories is not None else None,
            "outcome": outcome,
            "position_inconsistent": inconsistent,
            "verdict_a_first": a_first,
            "verdict_b_first": b_first,
            "error_a_first": a_error,
            "error_b_first": b_error,
            "reply_a_first": replies[index],
            "reply_b_first": replies[count + index],
        })
    result = summarize_outcomes([item["outcome"] for item in items], [item["position_inconsistent"] for item in items])
    result["reply_errors"] = dict(sorted(Counter(error for _, error in parsed if error).items()))
    if categories is not None:
        result["by_category"] = {
            category: summarize_outcomes([i["outcome"] for i in items if i["category"] == category], [i["position_inconsistent"] for i in items if i["category"] == category])
            for category in sorted(set(categories))
        }
    result["prompt_version"] = templates.prompt_version(task, language)
    result["judge"] = judge_llm.fingerprint
    result["items"] = items
    return result


# -- subject names -------------------------------------------------------------------------------

# From C-Eval's subject_mapping.json (SJTU-LIT/ceval) and CMMLU's categories (haonan-li/CMMLU).
CEVAL_SUBJECTS = {
    "computer_network": "计算机网络", "operating_system": "操作系统", "computer_architecture": "计算机组成",
    "college_programming": "大学编程", "college_physics": "大学物理", "college_chemistry": "大学化学",
    "advanced_mathematics": "高等数学", "probability_and_statistics": "概率统计", "discrete_mathematics": "离散数学",
    "electrical_engineer": "注册电气工程师", "metrology_engineer": "注册计量师", "high_school_mathematics": "高中数学",
    "high_school_physics": "高中物理", "high_school_chemistry": "高中化学", "high_school_biology": "高中生物",
    "middle_school_mathematics": "初中数学", "middle_school_biology": "初中生物", "middle_school_physics": "初中物理",
    "middle_school_chemistry": "初中化学", "veterinary_medicine": "兽医学", "college_economics": "大学经济学",
    "business_administration": "工商管理", "marxism": "马克思主义基本原理",
    "mao_zedong_thought": "毛泽东思想和中国特色社会主义理论体系概论", "education_science": "教育学",
    "teacher_qualification": "教师资格", "high_school_politics": "高中政治", "high_school_geography": "高中地理",
    "middle_school_politics": "初中政治", "middle_school_geography": "初中地理", "modern_chinese_history": "近代史纲要",
    "ideological_and_moral_cultivation": "思想道德修养与法律基础", "logic": "逻辑学", "law": "法学",
    "chinese_language_and_literature": "中国语言文学", "art_studies": "艺术学", "professional_tour_guide": "导游资格",
    "legal_professional": "法律职业资格", "high_school_chinese": "高中语文", "high_school_history": "高中历史",
    "middle_school_history": "初中历史", "civil_servant": "公务员", "sports_science": "体育学",
    "plant_protection": "植物保护", "basic_medicine": "基础医学", "clinical_medicine": "临床医学",
    "urban_and_rural_planner": "注册城乡规划师", "accountant": "注册会计师", "fire_engineer": "注册消防工程师",
    "environmental_impact_assessment_engineer": "环境影响评价工程师", "tax_accountant": "税务师", "physician": "医师资格",
}

CMMLU_SUBJECTS = {
    "agronomy": "农学", "anatomy": "解剖学", "ancient_chinese": "古汉语", "arts": "艺术学", "astronomy": "天文学",
    "business_ethics": "商业伦理", "chinese_civil_service_exam": "中国公务员考试", "chinese_driving_rule": "中国驾驶规则",
    "chinese_food_culture": "中国饮食文化", "chinese_foreign_policy": "中国外交政策", "chinese_history": "中国历史",
    "chinese_literature": "中国文学", "chinese_teacher_qualification": "中国教师资格", "clinical_knowledge": "临床知识",
    "college_actuarial_science": "大学精算学", "college_education": "大学教育学", "college_engineering_hydrology": "大学工程水文学",
    "college_law": "大学法律", "college_mathematics": "大学数学", "college_medical_statistics": "大学医学统计",
    "college_medicine": "大学医学", "computer_science": "计算机科学", "computer_security": "计算机安全",
    "conceptual_physics": "概念物理学", "construction_project_management": "建设工程管理", "economics": "经济学",
    "education": "教育学", "electrical_engineering": "电气工程", "elementary_chinese": "小学语文",
    "elementary_commonsense": "小学常识", "elementary_information_and_technology": "小学信息技术",
    "elementary_mathematics": "初等数学", "ethnology": "民族学", "food_science": "食品科学", "genetics": "遗传学",
    "global_facts": "全球事实", "high_school_biology": "高中生物", "high_school_chemistry": "高中化学",
    "high_school_geography": "高中地理", "high_school_mathematics": "高中数学", "high_school_physics": "高中物理学",
    "high_school_politics": "高中政治", "human_sexuality": "人类性行为", "international_law": "国际法学",
    "journalism": "新闻学", "jurisprudence": "法理学", "legal_and_moral_basis": "法律与道德基础", "logical": "逻辑学",
    "machine_learning": "机器学习", "management": "管理学", "marketing": "市场营销", "marxist_theory": "马克思主义理论",
    "modern_chinese": "现代汉语", "nutrition": "营养学", "philosophy": "哲学", "professional_accounting": "专业会计",
    "professional_law": "专业法学", "professional_medicine": "专业医学", "professional_psychology": "专业心理学",
    "public_relations": "公共关系", "security_study": "安全研究", "sociology": "社会学", "sports_science": "体育学",
    "traditional_chinese_medicine": "中医中药", "virology": "病毒学", "world_history": "世界历史", "world_religions": "世界宗教",
}


# -- the evaluate stage ----------------------------------------------------------------------------


def run_evaluation(params: EvaluateParams, llm_params, train_texts: list[str], log=print) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decontaminate, score baseline and fine-tuned model on every benchmark, judge them pairwise.

    Returns (metrics for eval.json, the judge's per-prompt items). The baseline is scored in the
    same run on the same (decontaminated) questions, so the summary shows the delta.
    """
    from kun.decontaminate import contaminated, drop_contaminated_questions, eval_items
    from kun.llm import load_llm

    benchmarks = [load_benchmark(directory, params.split, params.dev_split) for directory in params.benchmarks]
    report = contaminated(train_texts, [item for benchmark in benchmarks for item in eval_items(benchmark)], params.ngram)
    if params.drop_contaminated:
        benchmarks = [drop_contaminated_questions(benchmark, report) for benchmark in benchmarks]
    for benchmark in benchmarks:
        for note in benchmark.notes:
            log(f"{benchmark.name}: {note}")

    loaded: dict[str, LLM] = {}

    def model(path: str) -> LLM:
        if path not in loaded:
            loaded[path] = load_llm(llm_params, path, "evaluate", chat=False)
        return loaded[path]

    prompts = load_judge_prompts(params.judge_prompts)
    if params.judge_limit:
        prompts = prompts[: params.judge_limit]
    questions = [prompt["prompt"] for prompt in prompts]
    answer_sampling = SamplingParams(max_new_tokens=params.answer_max_new_tokens, seed=params.seed, repetition_penalty=1.1)
    results: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[str]] = {}
    for role, path in (("base", params.baseline), ("final", params.model)):
        llm = model(path)
        results[role] = {benchmark.name: evaluate_multiple_choice(llm, benchmark, params.num_shots, params.language) for benchmark in benchmarks}
        answers[role] = generate_answers(llm, questions, answer_sampling, desc=f"answer ({role})")
    judge = judge_pairwise(model(params.judge), questions, answers["final"], answers["base"], SamplingParams(max_new_tokens=params.judge_max_new_tokens, seed=params.seed), [p.get("category") for p in prompts], params.language, params.judge_mode)
    items = judge.pop("items")

    summary: dict[str, Any] = {}
    for benchmark in benchmarks:
        for shots, final_report in results["final"][benchmark.name]["shots"].items():
            base_accuracy = results["base"][benchmark.name]["shots"][shots]["accuracy"]
            summary[f"{benchmark.name}.{shots}.final"] = final_report["accuracy"]
            summary[f"{benchmark.name}.{shots}.base"] = base_accuracy
            summary[f"{benchmark.name}.{shots}.delta"] = round(final_report["accuracy"] - base_accuracy, 4)
        summary[f"{benchmark.name}.questions"] = benchmark.num_questions
        summary[f"{benchmark.name}.contaminated"] = report.benchmarks.get(benchmark.name, {}).get("contaminated", 0)
    summary["judge.win_rate"] = judge["win_rate"]
    summary["judge.wins"], summary["judge.ties"], summary["judge.losses"] = judge["wins"], judge["ties"], judge["losses"]
    summary["judge.position_inconsistency_rate"] = judge["position_inconsistency_rate"]
    judge["mode"] = params.judge_mode
    metrics = {"summary": summary, "multiple_choice": results, "judge": judge, "contamination": report.metrics(), "drop_contaminated": params.drop_contaminated}
    for index, item in enumerate(items):
        item.update({"answer_final": answers["final"][index], "answer_base": answers["base"][index]})
    return metrics, items
