"""Decontaminate: find benchmark questions whose text also occurs in the training data.

Reads the training texts (instruction + output of each dataset row) and the scored questions of
each benchmark (question + options); writes nothing itself. A question is contaminated when it
shares at least one character n-gram (n = 13 by default, the GPT-3 paper's choice) with any
training text. Both sides are normalised first (NFKC, lower case, letters and digits only: CJK
ideographs count as letters), so punctuation, spaces and full-width forms do not hide a copy.
Questions shorter than n after normalisation cannot be checked and are counted as `too_short`.

Speed: the evaluation side is small, so its n-grams go into one dict of hashes; the training
side is streamed once, each text's n-gram hashes intersected with that dict (about 2 million
training characters a second on one core). Python's string hash is 64-bit and fixed within a
process, so a false match is vanishingly unlikely.

We drop the contaminated *questions* at evaluation time, not the training rows:
- the Kun dataset is the pipeline's product: it should not change, and fine-tuning should not
  rerun, whenever someone adds or swaps a benchmark;
- the base model and the fine-tuned model are then scored on the same clean question set, so
  the comparison stays fair and a gain cannot come from questions seen in training;
- the report keeps the overlapping training rows (indices), so they can still be inspected or
  removed by hand, and the number of dropped questions goes to the metrics next to the accuracy.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from kun.evaluation.benchmarks import Benchmark


@dataclass(frozen=True)
class EvalItem:
    benchmark: str
    key: str  # "<subject>/<id>" (Question.key)
    text: str  # question and its options


@dataclass
class ContaminationReport:
    ngram: int
    train_rows: int  # training texts scanned
    benchmarks: dict[str, dict[str, int]]  # name -> {"questions", "contaminated", "too_short"}
    contaminated_questions: dict[str, list[str]]  # name -> sorted question keys
    overlapping_train_rows: list[int]  # indices of training texts sharing an n-gram with a question
    matches: dict[int, list[str]] = field(default_factory=dict)  # train index -> ["<benchmark>/<key>", ...]

    def metrics(self) -> dict[str, Any]:
        """Counts only, for the stage's metrics file."""
        return {
            "ngram": self.ngram,
            "train_rows": self.train_rows,
            "overlapping_train_rows": len(self.overlapping_train_rows),
            "benchmarks": {
                name: {
                    **counts,
                    "rate": round(counts["contaminated"] / counts["questions"], 4)
                    if counts["questions"]
                    else None,
                }
                for name, counts in self.benchmarks.items()
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, for a JSON report beside the metrics."""
        return {
            **self.metrics(),
            "contaminated_questions": self.contaminated_questions,
            "matches": [
                {"train_row": index, "questions": keys} for index, keys in sorted(self.matches.items())
            ],
        }


class _Fold(dict):
    """code point -> its NFKC, lower-cased letters and digits; filled on first sight. Folding
    character by character is 3x faster than NFKC on whole texts and the same for our n-grams."""

    def __missing__(self, code: int) -> str:
        folded = "".join(
            character for character in unicodedata.normalize("NFKC", chr(code)).lower() if character.isalnum()
        )
        self[code] = folded
        return folded


_FOLD = _Fold()


def normalize(text: str) -> str:
    """NFKC, lower case, only letters and digits (CJK ideographs included)."""
    return text.translate(_FOLD)


def eval_items(benchmark: Benchmark) -> list[EvalItem]:
    """The scored questions of a benchmark, each as its question followed by its options."""
    return [
        EvalItem(benchmark.name, question.key, "\n".join([question.question, *question.options]))
        for subject in benchmark.subjects
        for question in benchmark.questions[subject]
    ]


def contaminated(
    train_texts: Iterable[str], eval_items: Iterable[EvalItem], n: int = 13
) -> ContaminationReport:
    """Which evaluation items share a character n-gram with a training text, and which training
    rows do. Pass each training row as one text (e.g. instruction + "\\n" + output)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    items = list(eval_items)
    owners: dict[int, list[int]] = {}  # n-gram hash -> item indices
    counts: dict[str, Counter] = {}
    for index, item in enumerate(items):
        counts.setdefault(item.benchmark, Counter())["questions"] += 1
        text = normalize(item.text)
        if len(text) < n:
            counts[item.benchmark]["too_short"] += 1
            continue
        for gram in {hash(text[i : i + n]) for i in range(len(text) - n + 1)}:
            owners.setdefault(gram, []).append(index)
    eval_grams = set(owners)
    hit_items: set[int] = set()
    matches: dict[int, list[str]] = {}
    train_rows = 0
    for row, text in enumerate(train_texts):
        train_rows += 1
        text = normalize(text)
        if len(text) < n:
            continue
        shared = {hash(text[i : i + n]) for i in range(len(text) - n + 1)} & eval_grams
        if shared:
            found = sorted({index for gram in shared for index in owners[gram]})
            hit_items.update(found)
            matches[row] = [f"{items[index].benchmark}/{items[index].key}" for index in found]
    contaminated_questions: dict[str, list[str]] = {name: [] for name in counts}
    for index in sorted(hit_items):
        contaminated_questions[items[index].benchmark].append(items[index].key)
    benchmarks = {
        name: {
            "questions": counter["questions"],
            "contaminated": len(contaminated_questions[name]),
            "too_short": counter["too_short"],
        }
        for name, counter in counts.items()
    }
    return ContaminationReport(
        n,
        train_rows,
        benchmarks,
        {name: sorted(keys) for name, keys in contaminated_questions.items()},
        sorted(matches),
        matches,
    )


def drop_contaminated_questions(benchmark: Benchmark, report: ContaminationReport) -> Benchmark:
    """A copy of `benchmark` without the questions the report found in the training data; the
    drops are counted per subject in `contaminated` and described in `notes`."""
    drop = set(report.contaminated_questions.get(benchmark.name, ()))
    if not drop:
        return benchmark
    questions = {
        subject: [q for q in rows if q.key not in drop] for subject, rows in benchmark.questions.items()
    }
    dropped = {subject: len(benchmark.questions[subject]) - len(questions[subject]) for subject in questions}
    contaminated_counts = {
        subject: benchmark.contaminated.get(subject, 0) + dropped[subject] for subject in questions
    }
    note = f"{benchmark.directory}: dropped {sum(dropped.values())} {benchmark.split} questions sharing a character {report.ngram}-gram with the training data"
    return replace(
        benchmark, questions=questions, contaminated=contaminated_counts, notes=[*benchmark.notes, note]
    )
