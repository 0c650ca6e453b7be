"""Multiple-choice accuracy on a C-Eval/CMMLU benchmark.

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
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from kun import prompts as templates
from kun.core.errors import KunError
from kun.evaluation.benchmarks import LETTERS, Benchmark, Question
from kun.llm import LLM


def format_question(question: Question, with_answer: bool) -> str:
    options = "".join(f"\n{letter}. {text}" for letter, text in zip(LETTERS, question.options))
    text = f"{question.question.strip()}{options}\n答案："
    return f"{text}{question.answer}\n\n" if with_answer else text


def header(subject_name: str, language: str = "zh") -> str:
    """The line that opens every prompt of a subject, with the blank line after it."""
    return templates.render("mcq", "header", language, subject=subject_name) + "\n\n"


def build_prompt(
    question: Question, shots: Sequence[Question], subject_name: str, language: str = "zh"
) -> str:
    """Header, the shots with their answers, then the question ending in `答案：`."""
    return (
        header(subject_name, language)
        + "".join(format_question(shot, with_answer=True) for shot in shots)
        + format_question(question, with_answer=False)
    )


def predict_multiple_choice(
    llm: LLM, benchmark: Benchmark, num_shots: int, language: str = "zh"
) -> list[dict[str, Any]]:
    """One row per scored question: subject, id, answer, prediction, correct, logprobs (A-D)."""
    prompt_of_question: list[tuple[Question, str]] = []
    for subject in benchmark.subjects:
        shots = benchmark.dev[subject][:num_shots]
        if len(shots) < num_shots:
            raise KunError(
                f"{benchmark.directory}: subject {subject!r} has {len(shots)} {benchmark.layout} dev examples, {num_shots}-shot needs {num_shots}; "
                "lower num_shots or add dev questions"
            )
        name = benchmark.display_name(subject)
        prompt_of_question += [
            (question, build_prompt(question, shots, name, language))
            for question in benchmark.questions[subject]
        ]
    pairs = [(prompt, letter) for _, prompt in prompt_of_question for letter in LETTERS]
    values = llm.logprobs(pairs, desc=f"{benchmark.name} {num_shots}-shot")
    rows = []
    for index, (question, _) in enumerate(prompt_of_question):
        scores = values[4 * index : 4 * index + 4]
        prediction = LETTERS[max(range(4), key=lambda i: (scores[i], -i))]
        rows.append(
            {
                "subject": question.subject,
                "id": question.id,
                "answer": question.answer,
                "prediction": prediction,
                "correct": prediction == question.answer,
                "logprobs": scores,
            }
        )
    return rows


def accuracy_report(predictions: list[dict[str, Any]], subjects: Iterable[str] = ()) -> dict[str, Any]:
    """Accuracy per subject, their unweighted mean (`accuracy`, C-Eval's average) and the share of
    all questions (`micro_accuracy`). Subjects left with no question have accuracy None."""
    correct, total = Counter(), Counter()
    for row in predictions:
        total[row["subject"]] += 1
        correct[row["subject"]] += bool(row["correct"])
    per_subject = {
        subject: {
            "accuracy": round(correct[subject] / total[subject], 4) if total[subject] else None,
            "correct": correct[subject],
            "n": total[subject],
        }
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


def evaluate_multiple_choice(
    llm: LLM, benchmark: Benchmark, num_shots: int | Sequence[int], language: str = "zh"
) -> dict[str, Any]:
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
