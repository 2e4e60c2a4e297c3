"""The plain-text part's lines: 76 columns as a screen counts them, addresses whole, labels
never pushing a line over, right-to-left lines marked."""

from __future__ import annotations

from newsletter.rendering.text_layout import (
    RLM,
    columns,
    fill,
    labelled,
    mark_right_to_left,
)

URL = "https://example.org/newsletter/2026-11-30-khorog-badakhshan-ceasefire-talks/"


def test_columns_count_wide_characters_twice_and_joiners_not_at_all() -> None:
    assert columns("Хорог") == 5
    assert columns("می‌خواهیم") == 8  # the zero-width non-joiner takes no column
    assert columns("東京") == 4
    assert columns("👩‍🌾") == 4  # two wide emoji and a joiner


def test_fill_keeps_addresses_whole_and_cuts_other_long_words() -> None:
    text = f"Read it at {URL} or write to feedback.ca@example.org today."
    lines = fill(text, 40).split("\n")
    assert URL in lines and all(columns(line) <= 40 for line in lines if line != URL)
    word = "Avtonomnaya" * 10
    assert [len(line) for line in fill(word, 40).split("\n")] == [40, 40, 30]


def test_fill_indents_after_the_first_line() -> None:
    lines = fill("word " * 30, 30, indent="  ", first="* ").split("\n")
    assert lines[0].startswith("* word") and all(line.startswith("  word") for line in lines[1:])
    assert max(columns(line) for line in lines) <= 30


def test_a_label_never_pushes_its_address_over_the_line() -> None:
    assert labelled("Unsubscribe", "*|UNSUB|*") == "Unsubscribe: *|UNSUB|*"
    assert labelled("Открыть в браузере", URL) == f"Открыть в браузере:\n{URL}"


def test_right_to_left_lines_starting_left_to_right_are_marked() -> None:
    text = "خاروغ، شهر اصلی\n* ویرانه‌ها (عکس: IWPR)\nIWPR گزارش داد\nIWPR reported\n656 - ۳۱"
    assert mark_right_to_left(text).split("\n") == [
        "خاروغ، شهر اصلی",  # starts with a Persian letter: already right to left
        RLM + "* ویرانه‌ها (عکس: IWPR)",
        RLM + "IWPR گزارش داد",
        "IWPR reported",  # no right-to-left letter: left as it is
        "656 - ۳۱",  # Eastern Arabic digits are numbers, not right-to-left letters
    ]
