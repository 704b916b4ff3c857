"""A row's template rendered once and filled in for each row writes the template's HTML."""

import pytest
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string

from csp_tracker.rows import RowTemplate

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
