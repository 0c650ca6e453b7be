"""One rules engine: `apply_rules(frame, rules) -> RuleResult(kept, rejected, counts)`.

Follows datatrove's filter contract: a rule looks at one row and says whether it is dropped;
the first rule that drops a row names the reason; every rule's reason is counted, zeros
included, so metrics list every rule that ran. A rule reads only the columns it names, so the
engine can hand it exactly those values (a row dict), and a rule for a column the frame lacks
is a bug, not a silent pass.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import polars as pl

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    reason: str  # the reason a dropped row gets (and its count key)
    drops: Callable[[Row], bool]  # True: drop the row
    columns: tuple[str, ...]  # the columns `drops` reads
    param: str = ""  # the params key that sets or disables the rule (for docs and errors)

    @staticmethod
    def on(column: str, reason: str, check: Callable[[str], bool], param: str = "") -> "Rule":
        """A rule on one text column (a null reads as the empty string)."""
        return Rule(reason, lambda row: check(row[column] or ""), (column,), param)


@dataclass(frozen=True)
class RuleResult:
    kept: pl.DataFrame
    rejected: pl.DataFrame  # the rejected rows plus a `reason` column
    counts: dict[str, int]  # every rule's reason -> rows it dropped (zeros included), sorted by reason


def reasons_of(frame: pl.DataFrame, rules: Sequence[Rule | None]) -> list[str | None]:
    """The reason each row is dropped (None: kept); None rules are switched off."""
    active = [rule for rule in rules if rule is not None]
    columns = sorted({column for rule in active for column in rule.columns})
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise KeyError(
            f"rules read columns the frame lacks: {missing} (rules: {[rule.reason for rule in active]})"
        )
    reasons: list[str | None] = []
    for row in frame.select(columns).iter_rows(named=True) if columns else ({} for _ in range(frame.height)):
        reasons.append(next((rule.reason for rule in active if rule.drops(row)), None))
    return reasons


def apply_rules(frame: pl.DataFrame, rules: Sequence[Rule | None]) -> RuleResult:
    """Drop each row a rule drops; None rules are off and not counted."""
    reasons = reasons_of(frame, rules)
    marked = frame.with_columns(pl.Series("reason", reasons, dtype=pl.String))
    counts = {rule.reason: 0 for rule in rules if rule is not None} | dict(
        Counter(reason for reason in reasons if reason)
    )
    return RuleResult(
        marked.filter(pl.col("reason").is_null()).drop("reason"),
        marked.filter(pl.col("reason").is_not_null()),
        dict(sorted(counts.items())),
    )


def merge_counts(*counts: Mapping[str, int]) -> dict[str, int]:
    """Sum per-reason counts of several rule passes (sorted by reason)."""
    total: Counter[str] = Counter()
    for part in counts:
        for reason, count in part.items():
            total[reason] += count
    return {reason: total[reason] for reason in sorted(total)}
