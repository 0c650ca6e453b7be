"""A pair classifier learned from labelled pairs: the failure families in wordings no rule lists.

The rules (kun.rules.patterns, kun.rules.cooccur) match the forms of each family someone wrote
down; a new wording of a refusal, a line of self-talk or talk about unseen material slips past
them. This gate learns the families from labelled (instruction, answer, good/bad) pairs instead:
character 1-3-grams of the answer and 1-2-grams of the instruction (TF-IDF, each part weighted
alike), a logistic regression (scikit-learn) with balanced classes. It learns only the families
said in words (`FAMILIES`: refusals, self-talk, source talk, further turns, blanks, injections,
spam, boilerplate, template leaks); families of length, repetition, encoding or script are
left to the rules, since n-grams cannot count and a model taught them learns that short answers
are bad (请介绍长城。/ a correct two-clause answer scored 0.98 bad when it was). It runs after the rules, on
the pairs they kept, and drops those whose probability of being bad reaches the threshold
(`classifier`, assemble.classifier_threshold), so every reason the rules give stays theirs.

By default it learns from kun's own labelled benchmark, benchmarks/data/gates.jsonl, and only
from its `dev` half: the `test` half stays held out everywhere, so bench_gates.py and
`kun filter-pairs` measured on it are honest. Training is deterministic (the same pairs and
settings give the same model, so DVC caching stays exact) and takes seconds; a process trains
once per labelled file and settings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from kun.core.errors import KunError

# kun's labelled benchmark, in the source checkout kun runs from.
DEFAULT_PAIRS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "gates.jsonl"
# Inverse regularisation strength; larger fits the labelled wordings more closely.
_C = 4.0
_ANSWER_NGRAMS = (1, 3)
_INSTRUCTION_NGRAMS = (1, 2)
_MIN_DF = 2  # an n-gram seen in one labelled pair only says nothing general


# The bad families it learns from (assemble.classifier_families): those said in words.
FAMILIES = (
    "injection",
    "next_turn",
    "placeholder",
    "refusal",
    "self_talk",
    "source_talk",
    "spam",
    "template_leak",
    "web_boilerplate",
)


@dataclass(frozen=True)
class LabelledPairs:
    instructions: tuple[str, ...]
    answers: tuple[str, ...]
    bad: tuple[bool, ...]


def read_labelled(path: Path, split: str, families: Sequence[str] = FAMILIES) -> LabelledPairs:
    """The rows of a JSONL file of {instruction, output, label: good|bad[, split, family]} whose
    `split` is `split` (rows without one are all used; an empty `split` takes every row): every
    good row, and the bad rows of `families` (a bad row without a family is always used)."""
    if not path.is_file():
        raise KunError(
            f"{path}: no labelled pairs for the pair classifier; point assemble.classifier_pairs at a "
            "JSONL file of {instruction, output, label: good|bad}, or set assemble.classifier: false"
        )
    instructions, answers, bad = [], [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise KunError(f"{path}:{number}: not JSON ({error.msg}); fix or remove the line") from None
            row = row if isinstance(row, dict) else {}
            instruction, answer, label = row.get("instruction"), row.get("output"), row.get("label")
            if not (isinstance(instruction, str) and isinstance(answer, str) and label in ("good", "bad")):
                raise KunError(
                    f"{path}:{number}: a labelled pair needs string `instruction` and `output` and a "
                    "`label` of good or bad"
                )
            if split and row.get("split", split) != split:
                continue
            family = row.get("family")
            if label == "bad" and family is not None and family not in families:
                continue
            instructions.append(instruction)
            answers.append(answer)
            bad.append(label == "bad")
    if len(set(bad)) < 2:
        raise KunError(
            f"{path}: the pair classifier needs good and bad pairs in split {split or '(all)'!r}; "
            "label both, or set assemble.classifier: false"
        )
    return LabelledPairs(tuple(instructions), tuple(answers), tuple(bad))


class PairClassifier:
    """P(bad) of (instruction, answer) pairs, learned from labelled ones."""

    def __init__(self, pairs: LabelledPairs) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._answers = TfidfVectorizer(
            analyzer="char", ngram_range=_ANSWER_NGRAMS, min_df=_MIN_DF, sublinear_tf=True
        )
        self._instructions = TfidfVectorizer(
            analyzer="char", ngram_range=_INSTRUCTION_NGRAMS, min_df=_MIN_DF, sublinear_tf=True
        )
        features = self._features(pairs.instructions, pairs.answers, fit=True)
        self._model = LogisticRegression(C=_C, max_iter=2000, class_weight="balanced")
        self._model.fit(features, list(pairs.bad))
        self._bad_column = list(self._model.classes_).index(True)

    def _features(self, instructions: Sequence[str], answers: Sequence[str], fit: bool = False):
        from scipy.sparse import hstack

        if fit:
            parts = (self._answers.fit_transform(answers), self._instructions.fit_transform(instructions))
        else:
            parts = (self._answers.transform(answers), self._instructions.transform(instructions))
        return hstack(parts).tocsr()

    def bad_probability(self, instructions: Sequence[str], answers: Sequence[str]) -> list[float]:
        if not instructions:
            return []
        probabilities = self._model.predict_proba(self._features(instructions, answers))
        return [float(p) for p in probabilities[:, self._bad_column]]


def resolve(path: str) -> Path:
    """assemble.classifier_pairs: empty for kun's own benchmark, else a path."""
    return DEFAULT_PAIRS if not path else Path(path)


@lru_cache(maxsize=4)
def _trained(path: Path, split: str, families: tuple[str, ...], digest: str) -> PairClassifier:
    return PairClassifier(read_labelled(path, split, families))


def classifier_for(path: str, split: str, families: Sequence[str] = FAMILIES) -> PairClassifier:
    """The classifier learned from `path`'s `split` rows, trained once per file content."""
    where = resolve(path)
    digest = hashlib.sha256(where.read_bytes()).hexdigest() if where.is_file() else ""
    return _trained(where, split, tuple(sorted(families)), digest)
