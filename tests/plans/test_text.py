"""Section text (plans/text.py): any text renders, in bounded time, and the limits are
measured on what prints."""

import time

import pytest

from plans.text import (
    MAX_NESTING,
    NESTING_CAP,
    markdown_to_html,
    text_limit_errors,
    text_measure,
)


def _table(rows: int, columns: int) -> str:
    head = "|" + "".join(f" H{c} |" for c in range(columns))
    rule = "|" + "---|" * columns
    body = ["|" + " cell |" * columns for _ in range(rows)]
    return "\n".join([head, rule, *body]) + "\n"


@pytest.mark.parametrize(
    "text",
    ["- " * 500 + "x", "* " * 500 + "x", "1. " * 500 + "x", "> " * 500 + "x", "-  " * 5000 + "x"],
)
def test_deep_nesting_never_recurses_and_is_capped(text):
    html = markdown_to_html(text)
    assert html
    assert text_measure(text).nesting == NESTING_CAP
    assert text_limit_errors(text, label="Section text") == [
        f"Section text can have lists nested at most {MAX_NESTING} deep: "
        f"this has {NESTING_CAP} levels"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 20000,  # took 247 s: every "[" looked for its "]" to the end
        "[a](" * 5000,
        "<a" * 30000,  # html.parser is quadratic on unclosed tags
        "![" * 10000,
        "&lt;a" * 12000,  # each entity is an inline match costing the paragraph's length
        "*a" * 30000,
        "*_" * 30000,
        "\\[" * 30000,
    ],
)
def test_text_that_made_markdown_quadratic_renders_quickly(text):
    started = time.perf_counter()
    html = markdown_to_html(text)
    assert time.perf_counter() - started < 5
    assert html.startswith("<p>")


def test_text_past_the_markdown_size_is_shown_as_plain_paragraphs():
    html = markdown_to_html("**a** " * 20000 + "\n\nnext <b>")
    assert html.startswith("<p>**a** ") and "<p>next &lt;b&gt;</p>" in html


def test_links_tags_and_escapes_still_work():
    html = markdown_to_html(
        "Some **bold**, _em_, a [link](https://www.kent.gov.uk/a_(b)) and [a bracket, "
        "<strong>raw</strong> and a < b, \\*not em\\*.\n\n- one\n    - two"
    )
    assert '<a href="https://www.kent.gov.uk/a_(b)" rel="noopener">link</a>' in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "[a bracket" in html and "<strong>raw</strong>" in html and "a &lt; b" in html
    assert "*not em*" in html
    assert "<ul>\n<li>one<ul>\n<li>two</li>" in html


def test_five_levels_are_allowed_and_a_rule_is_not_nesting():
    text = "\n".join("    " * level + f"- level {level + 1}" for level in range(5))
    assert text_measure(text).nesting == 5
    assert text_limit_errors(text + "\n\n* * * * * * * * * * * *", label="Text") == []


def test_table_limits_name_the_field_and_the_size():
    assert text_limit_errors(_table(99, 5), label="Section text") == []
    assert text_limit_errors(_table(100, 2), label="Summary") == [
        "Summary can have tables of at most 100 rows: one has 101"
    ]
    assert text_limit_errors(_table(10, 9), label="Section text") == [
        "Section text can have tables of at most 8 columns: one has 9"
    ]
    assert text_limit_errors(_table(70, 4) + "\n" + _table(70, 4), label="Section text") == [
        "Section text can have at most 500 table cells in all: this has 568"
    ]
