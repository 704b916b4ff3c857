"""What csp_tracker gives every app: the GOV.UK date input, numbered rows, service inputs
copied to and from models, and the site-wide time filter."""

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template import Context, Template

from actions.services import ActionData, MilestoneData
from csp_tracker.forms import UKDateField, numbered_rows
from priorities.services import HeadingData
from tests import factories


class DateForm(forms.Form):
    day = UKDateField(
        label="Date done",
        required_message="Enter the date done",
    )


def _date(day: str, month: str, year: str) -> DateForm:
    form = DateForm({"day_0": day, "day_1": month, "day_2": year})
    form.is_valid()
    return form


def test_the_date_input_reads_day_month_and_year() -> None:
    form = _date("27", "3", "2024")
    assert form.is_valid() and form.cleaned_data["day"] == date(2024, 3, 27)
    assert _date(" 1 ", "04", "2024").cleaned_data["day"] == date(2024, 4, 1)
    # The month as people may type it in its box (csp_tracker.periods.date_from_parts).
    assert _date("27", "March", "2024").cleaned_data["day"] == date(2024, 3, 27)
    assert _date("27", "Mar", "2024").cleaned_data["day"] == date(2024, 3, 27)


@pytest.mark.parametrize(
    ("parts", "message", "box"),
    [
        (("", "", ""), "Enter the date done", None),
        (("27", "", "2024"), "Date done must include a month", 1),
        (("", "", "2024"), "Date done must include a day and month", None),
        (("31", "2", "2024"), "Date done must be a real date, like 1 4 2024", None),
        (("27", "Marhc", "2024"), "Date done must be a real date, like 1 4 2024", 1),
        (("x", "3", "2024"), "Date done must be a real date, like 1 4 2024", 0),
        (("27", "3", "24"), "Year must include 4 numbers", 2),
    ],
)
def test_the_date_input_says_what_is_wrong_and_where(
    parts: tuple[str, str, str], message: str, box: int | None
) -> None:
    form = _date(*parts)
    assert form.errors["day"] == [message]
    boxes = cast(forms.MultiValueField, form.fields["day"]).fields
    marked = [getattr(f.widget, "errors", []) for f in boxes]
    # One box to fix is highlighted on its own; otherwise the whole date is.
    assert marked == [[message] if i == box else [] for i in range(3)]


def test_the_date_input_shows_a_date_in_its_three_boxes() -> None:
    html = str(DateForm(initial={"day": date(2024, 3, 27)})["day"])
    for name, value in (("day_0", "27"), ("day_1", "3"), ("day_2", "2024")):
        assert f'name="{name}" value="{value}"' in html


class Row(forms.Form):
    text = forms.CharField(required=False)

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"Row {number}"


Rows = numbered_rows(Row, 3)


def test_numbered_rows_are_numbered_and_fixed_in_number() -> None:
    rows = Rows(prefix="r")
    assert [str(r["text"].label) for r in rows] == ["Row 1", "Row 2", "Row 3"]
    posted = QueryDict(mutable=True)
    posted.update({"r-TOTAL_FORMS": "3", "r-INITIAL_FORMS": "0", "r-1-text": "Two"})
    rows = Rows(posted, prefix="r")
    assert rows.is_valid()
    assert [r.cleaned_data.get("text", "") for r in rows] == ["", "Two", ""]
    posted["r-TOTAL_FORMS"] = "9"  # more rows than the page has: refused, never read
    rows = Rows(posted, prefix="r")
    assert not rows.is_valid() and len(rows.forms) == 3
    from csp_tracker.forms import HIDDEN_FIELD_MESSAGE

    assert list(rows.non_form_errors()) == [HIDDEN_FIELD_MESSAGE]  # in GOV.UK words


def test_numbered_rows_posted_without_any_row_are_empty_not_an_error() -> None:
    rows = Rows(QueryDict("other=1"), prefix="r")
    assert rows.is_valid() and rows.forms == []


@pytest.mark.django_db
def test_service_inputs_copy_every_field_to_and_from_the_model() -> None:
    action = factories.ActionFactory(desired_outcome="Safer", is_linked=True, linked_to="DAG")
    agency = factories.AgencyFactory()
    action.lead_agencies.set([agency])
    data = ActionData.of(action, title="Carried")
    assert (data.title, data.desired_outcome, data.is_linked, data.linked_to) == (
        "Carried",
        "Safer",
        True,
        "DAG",
    )
    assert data.priority == action.priority and list(data.lead_agencies) == [agency]
    milestone = factories.MilestoneFactory(action=action, timescale="Sept 23")
    assert MilestoneData.of(milestone).timescale == "Sept 23"
    # A field the model lacks (a theme's note, on a priority) keeps its default.
    assert HeadingData.of(action.parent).note == ""
    copy = factories.ActionFactory(priority=action.priority)
    data.apply(copy)
    assert (copy.title, copy.linked_to) == ("Carried", "DAG")


def test_times_are_written_the_gov_uk_way() -> None:
    template = Template("{% load gds %}{{ when|gds_datetime }}|{{ day|date:'j F Y' }}")
    when = datetime(2024, 3, 31, 18, 1, tzinfo=ZoneInfo("Europe/London"))
    out = template.render(Context({"when": when, "day": date(2024, 3, 1)}))
    assert out == "31 March 2024 at 6:01pm|1 March 2024"
    london = ZoneInfo("Europe/London")
    for (hour, minute), written in [
        ((0, 5), "1 April 2024 at 12:05am"),
        ((9, 30), "1 April 2024 at 9:30am"),
        ((12, 0), "1 April 2024 at 12:00pm"),
        ((23, 59), "1 April 2024 at 11:59pm"),
    ]:
        when = datetime(2024, 4, 1, hour, minute, tzinfo=london)
        assert (
            Template("{% load gds %}{{ when|gds_datetime }}").render(Context({"when": when}))
            == written
        )
    assert Template("{% load gds %}{{ x|gds_datetime }}").render(Context({"x": None})) == ""


def test_a_list_s_times_are_written_as_the_filter_writes_them_in_each_language() -> None:
    """local_datetime_writer (the report list's times): as ``{{ when|gds_datetime }}`` in
    the current time zone, with the active language's month names."""
    from django.utils import timezone, translation

    from csp_tracker.templatetags.gds import local_datetime_writer

    template = Template("{% load gds %}{{ when|gds_datetime }}")
    utc = ZoneInfo("UTC")
    times = [
        datetime(2024, 3, 31, 0, 30, tzinfo=utc),  # 1:30am in London (summer time)
        datetime(2023, 12, 31, 23, 59, tzinfo=utc),
        datetime(2025, 5, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris")),
    ]
    for language in ("en-gb", "cy", "fr"):
        for zone in ("Europe/London", "America/New_York"):
            with translation.override(language), timezone.override(zone):
                write = local_datetime_writer()
                for when in times:
                    assert write(when) == template.render(Context({"when": when})), language


# Django's date-format characters that print a time of day (a, A: "p.m.", "PM"; f, g, G,
# h, H, i, P, s, u: hours, minutes, seconds).
_TIME_FORMAT = re.compile(r"""\|date:["'][^"']*[aAfgGhHiPsu][^"']*["']|\|time\b""")


def test_no_template_writes_a_time_other_than_the_gov_uk_way() -> None:
    """Every time on a page, in an email or a PDF goes through gds_datetime ("6:01pm"),
    never a date or time format of its own ("6:01 p.m.", "18:01")."""
    base = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(base)}:{number}: {line.strip()}"
        for path in sorted(base.glob("*/templates/**/*"))
        + sorted((base / "templates").glob("**/*"))
        if path.is_file() and path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if _TIME_FORMAT.search(line) or "a.m." in line or "p.m." in line
    ]
    assert offenders == []
