"""Tests for message templates and the checks every free-text field shares."""

import pytest

from sync.domain.text import (
    N_,
    Message,
    has_control_characters,
    has_letter_or_digit,
    has_symbols,
)


def test_n_marks_without_translating():
    assert N_("Add a competitor for +{points}") == "Add a competitor for +{points}"


def test_message_text_fills_in_its_parameters():
    message = Message("Keep it under {limit:,}.", {"limit": 2000})
    assert message.text == "Keep it under 2,000."
    assert Message("No parameters.").text == "No parameters."


@pytest.mark.parametrize(("text", "multiline", "expected"), [
    ("plain", False, False),
    ("two\nlines", True, False),
    ("two\nlines", False, True),
    ("tab\there", True, False),
    ("tab\there", False, True),
    ("carriage\rreturn", True, True),
    ("nul\x00", True, True),
    ("private use \ue000", False, True),
    ("unassigned \U000e0080", False, True),
    ("override \u202e", True, True),
    ("isolate \u2068", False, True),
    ("北京 Müller", False, False),
])
def test_has_control_characters(text, multiline, expected):
    assert has_control_characters(text, multiline=multiline) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("🚀 Rocket", True), ("Acme™", True), ("AT&T", False), ("$5", False), ("Müller", False),
])
def test_has_symbols(text, expected):
    assert has_symbols(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("!!!", False), ("", False), ("3", True), ("北", True), ("é", True),
])
def test_has_letter_or_digit(text, expected):
    assert has_letter_or_digit(text) is expected
