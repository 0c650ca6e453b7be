"""Failure families matched as patterns over wordings, not single words.

Each detector is a pure function of (instruction, answer) or of one text that returns True when
the family is present. They are written as families of forms (a refusal is an apology or a
first-person "cannot" followed by an action; self-talk is a first-person claim to be a model),
so a wording nobody listed still matches, while the same words in their plain sense (根据勾股定理,
作为一种作物, 2023年, 抱歉 in a requested apology letter) do not. Code blocks and URLs are not
searched for prose families. benchmarks/bench_gates.py measures them on labelled pairs.

One module per family; `common` holds what more than one family consults (what an instruction
asks for, where a sentence ends).
"""

from kun.rules.patterns.asks_back import asks_for_input
from kun.rules.patterns.blanks import placeholder
from kun.rules.patterns.common import ASKS_FOR_DEFINITION, ASKS_FOR_VERSE, asks_for_advert
from kun.rules.patterns.fragments import instruction_fragment
from kun.rules.patterns.injection import prompt_injection
from kun.rules.patterns.model_talk import self_talk
from kun.rules.patterns.refusals import refusal
from kun.rules.patterns.requests import has_options, has_request_marker, is_record, opens_with_verb
from kun.rules.patterns.sources import source_talk
from kun.rules.patterns.truncation import unfinished
from kun.rules.patterns.turns import next_turn, template_leak
from kun.rules.patterns.unseen import refers_to_unseen_context
from kun.rules.patterns.web import boilerplate, spam

__all__ = [
    "ASKS_FOR_DEFINITION",
    "ASKS_FOR_VERSE",
    "asks_for_advert",
    "asks_for_input",
    "boilerplate",
    "has_options",
    "has_request_marker",
    "instruction_fragment",
    "is_record",
    "next_turn",
    "opens_with_verb",
    "placeholder",
    "prompt_injection",
    "refers_to_unseen_context",
    "refusal",
    "self_talk",
    "source_talk",
    "spam",
    "template_leak",
    "unfinished",
]
