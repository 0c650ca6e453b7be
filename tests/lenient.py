"""Rule settings that let a tiny random model's replies through every filter and assemble rule,
for the tests that run the whole chain on one (dotted params keys, as dvc_helpers.update_params
takes them)."""

ANSWER_GATES = (
    "refusal",
    "self_talk",
    "source_talk",
    "template_leak",
    "next_turn",
    "prompt_injection",
    "placeholder",
    "spam",
    "unfinished",
    "mojibake",
    "wrong_language",
)

LENIENT_RULES = {
    "filter.min_score": 0.0,
    "filter.instruction_min_chars": 1,
    "filter.instruction_min_cjk_ratio": 0.0,
    "filter.unseen_context_keywords": [],
    "filter.unseen_context_patterns": False,
    "filter.fragments": False,
    "filter.min_word_coverage": 0.0,
    "filter.best_per_segment": False,
    "filter.request_markers": [],
    "filter.unexpected_scripts": [],
    "assemble.length_floor": "fixed",
    "assemble.min_answer_chars": 1,
    "assemble.answer_meta_keywords": [],
    **{f"assemble.{gate}": False for gate in ANSWER_GATES},
    "assemble.max_repeated_ngram_ratio": 1.0,
    "assemble.opening_repeat_min": 0,
    "assemble.truncated": "keep",
    "assemble.answer_min_cjk_ratio": 0.0,
    "assemble.max_repeated_item_ratio": 1.0,
    "assemble.max_repeated_sentence_ratio": 1.0,
    "assemble.unexpected_scripts": [],
    "assemble.boilerplate_phrases": [],
}
