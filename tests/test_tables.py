"""The site-wide table tags (csp_tracker/templatetags/tables.py) and a service's input
read from a form's cleaned data (csp_tracker.data.ModelData.from_form)."""

from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError

from performance.services import BidData, GrantData


def _render(source: str, **context: object) -> str:
    return Template("{% load tables %}" + source).render(Context(context))


def test_a_table_head_has_a_header_a_column_numbers_right_aligned_and_hidden_words() -> None:
    html = _render('{% table_head "Grant" "Amount:numeric" unit "Use it:hidden" %}', unit="<b>")
    assert html == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Grant</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Amount</th>'
        '<th scope="col" class="govuk-table__header">&lt;b&gt;</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Use it</span></th>'
        "</tr></thead>"
    )


def test_a_scroll_table_is_a_labelled_region_with_its_caption_run_together() -> None:
    html = _render(
        '{% scroll_table "Projects the " grant " funds" testid="projects" %}'
        "<tbody></tbody>{% endscroll_table %}",
        grant="Crime & Disorder Grant",
    )
    assert html == (
        '<div class="app-table-scroll" role="region" '
        'aria-label="Projects the Crime &amp; Disorder Grant funds" tabindex="0">'
        '<table class="govuk-table app-table--compact" data-testid="projects">'
        '<caption class="govuk-table__caption govuk-visually-hidden">'
        "Projects the Crime &amp; Disorder Grant funds</caption><tbody></tbody></table></div>"
    )
    shown = _render(
        '{% scroll_table "Yours" testid="p" heading="m" compact=False %}{% endscroll_table %}'
    )
    assert '<table class="govuk-table" data-testid="p">' in shown
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Yours</caption>' in shown


@pytest.mark.parametrize(
    "source",
    [
        "{% scroll_table %}{% endscroll_table %}",
        '{% scroll_table "A" size="m" %}{% endscroll_table %}',
        '{% scroll_table "A" testid="a" "B" %}{% endscroll_table %}',
    ],
)
def test_a_scroll_table_without_a_caption_or_with_unknown_options_is_refused(source: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        _render(source)


def test_a_form_s_cleaned_data_gives_the_service_s_input_by_field_name() -> None:
    cleaned = {
        "title": "  Street pastors ",
        "amount": Decimal("800"),
        "description": "",
        "lead_agency": None,
        "lead_text": " KCC ",
        "top_up_of": None,
        "submitted_on": None,
        "action": None,
        "lock_version": 3,  # not the service's: left out
    }
    data = BidData.from_form(cleaned)
    assert data == BidData(title="Street pastors", amount=Decimal("800"), lead_text="KCC")
    grant = GrantData.from_form(
        {"name": "Crime Reduction Grant", "funder": "PCC", "amount": Decimal("39661")},
        financial_year=2023,
    )
    assert (grant.financial_year, grant.up_front_amount, grant.rules) == (2023, None, "")
