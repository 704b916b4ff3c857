"""A row's template rendered once and filled in for each row writes the template's HTML."""

from html import escape

import pytest
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from csp_tracker.rows import RowTemplate, escaped_lines_each, escaped_texts, list_breadcrumbs

TEMPLATE = "plans/includes/action_row.html"
NAMES = ("reference", "title", "lead", "edit_url", "move_url")


@pytest.mark.parametrize("can_author", [True, False])
def test_each_row_is_what_the_template_renders_for_it(can_author: bool) -> None:
    context = {"can_author": can_author, "move_directions": ("up", "down"), "csrf_token": "t0k"}
    row = RowTemplate(TEMPLATE, context, NAMES)
    for reference, title, lead in [
        ("1.2", "Plain", "One lead"),
        ("<b>", "Quotes \" and ' & <script>", "Two\nlines & <i>"),
        (7, "", ""),
    ]:
        values = {
            "reference": reference,
            "title": title,
            "lead": linebreaksbr(lead, autoescape=True),
            "edit_url": f"/actions/{title}/edit/",
            "move_url": "/actions/1/move/?a=1&b=2",
        }
        expected = render_to_string(TEMPLATE, {**context, **values}).strip()
        assert row.render(values) == expected


def test_a_value_the_template_changes_is_an_error(tmp_path, settings) -> None:
    (tmp_path / "row.html").write_text("<td>{{ name|upper }}</td><td>{{ kept }}</td>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {}}
    ]
    with pytest.raises(ValueError, match="as they are"):
        RowTemplate("row.html", {}, ("name", "kept"))


def test_braces_in_the_row_or_its_values_are_written_as_they_are(tmp_path, settings) -> None:
    (tmp_path / "row.html").write_text('<td data-x="{}">{ {{ name }} }}</td><td>{{ kept }}</td>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {}}
    ]
    row = RowTemplate("row.html", {}, ("name", "kept"))
    values = {"name": "{0} {name} }{", "kept": "{kept}"}
    assert row.render(values) == render_to_string("row.html", values).strip()
    assert row.render(values) == '<td data-x="{}">{ {0} {name} }{ }}</td><td>{kept}</td>'


def test_rows_written_at_once_are_the_template_s_rows_one_after_another() -> None:
    context = {"can_author": False, "move_directions": ("up", "down"), "csrf_token": "t0k"}
    row = RowTemplate(TEMPLATE, context, NAMES)
    rows = [
        ("1.2", "Plain", "One lead", "/actions/1/edit/", "/actions/1/move/"),
        ("<b>", "Quotes \" and ' & <script>", "Two<br>lines", "/a?x=1&y=2", "/m/"),
    ]
    texts = escaped_texts([value for values in rows for value in values])
    written = [texts[:5], texts[5:]]
    # (the lead given written already, as linebreaksbr writes it)
    written[1][2] = "Two<br>lines"
    expected = [
        render_to_string(
            TEMPLATE,
            {**context, **dict(zip(NAMES, values, strict=True)), "lead": mark_safe(values[2])},
        ).strip()
        for values in rows
    ]
    assert row.write_rows(written, between="\n") == "\n".join(expected)
    assert row.write_rows([], between="\n") == ""


def test_texts_escaped_at_once_are_each_escaped() -> None:
    texts = ["a & b", "<i>", "", "\"quoted\" 'single'", "nul \0 inside", "plain"]
    assert escaped_texts(texts) == [escape(text) for text in texts]
    assert escaped_texts([]) == []


def test_rows_written_each_are_the_template_s_rows(tmp_path, settings) -> None:
    """``each``: values given in the order of the names, whatever the template's order."""
    (tmp_path / "row.html").write_text('<td data-x="{}">{ {{ name }} }}</td><td>{{ kept }}</td>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {}}
    ]
    row = RowTemplate("row.html", {}, ("kept", "name"))
    rows = [("{kept}", "{0} {name} }{"), ("a &amp; b", "")]
    expected = [
        render_to_string("row.html", {"kept": mark_safe(kept), "name": mark_safe(name)}).strip()
        for kept, name in rows
    ]
    assert row.each(rows) == expected
    assert row.each([]) == []


def test_leads_written_at_once_are_each_written_as_linebreaksbr_writes_them() -> None:
    texts = ["a & b", "Two\nlines", "CR\r\nLF\rand <i>", "", "nul \0 inside"]
    assert escaped_lines_each(texts) == [linebreaksbr(text, autoescape=True) for text in texts]
    assert escaped_lines_each(texts[:4]) == [
        linebreaksbr(text, autoescape=True) for text in texts[:4]
    ]


def test_past_its_bound_the_store_drops_its_oldest_row_not_every_row(monkeypatch) -> None:
    import csp_tracker.rows as rows

    monkeypatch.setattr(rows, "_kept", {})
    monkeypatch.setattr(rows, "_KEPT_AT_MOST", 3)
    made = [
        rows.row_template(TEMPLATE, {"can_author": n % 2 == 0, "n": n}, NAMES) for n in range(4)
    ]
    assert len(rows._kept) == 3
    # The first is gone; the others are kept as they were.
    assert rows.row_template(TEMPLATE, {"can_author": False, "n": 3}, NAMES) is made[3]
    assert rows.row_template(TEMPLATE, {"can_author": True, "n": 2}, NAMES) is made[2]
    assert rows.row_template(TEMPLATE, {"can_author": True, "n": 0}, NAMES) is not made[0]


@pytest.mark.parametrize("here", ["Swale plan 2023/24", "Quotes \" & <b>'", ""])
def test_a_list_breadcrumb_is_what_the_template_renders(here: str) -> None:
    from django.urls import reverse

    expected = render_to_string(
        "includes/breadcrumbs.html",
        {"url": reverse("plans:list"), "text": "Plans & more", "here": here},
    ).strip()
    assert list_breadcrumbs("plans:list", "Plans & more", here) == expected
