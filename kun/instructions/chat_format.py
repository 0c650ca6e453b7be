"""The user turns that trained models see, built by one function for training and inference.

A model must be prompted at inference exactly as it was trained (tests/test_paper_method.py
compares the token ids). The backward label model's user turn is the authors' fixed question
followed by the raw text (kun/prompts/label_backward.user.<lang>.j2); train_label builds its
examples with it and the label stage sends it.
"""

from __future__ import annotations

from kun import prompts


def backward_user_turn(response: str, language: str = "zh") -> str:
    """The backward model's user turn for a response, identical in training and at inference."""
    return prompts.render("label_backward", "user", language, response=response)
