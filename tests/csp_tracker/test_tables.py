"""{% scroll_table %}: the scrolling region is named after the table's caption.

{% print_table %}: the same table, plain, for a printed document."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from lxml import html


def _render(source: str, **context: object) -> str:
    return Template("{% load tables %}" + source).render(Context(context))


def _table(caption: str) -> str:
    """A table with no columns and no rows, captioned ``caption``."""
    return _render(
        f'{{% scroll_table testid="t" %}}{caption}{{% head %}}{{% rows %}}{{% endscroll_table %}}'
    )


def test_the_region_is_labelled_with_the_caption_and_both_are_escaped() -> None:
    out = _render(
        '{% scroll_table testid="t" compact=True caption="m" %}\n'
        "    Actions by status,\n    {{ quarter }}\n"
        '{% head %}{% column_headers "Action" quarter %}'
        '{% rows %}<tr class="govuk-table__row"><td>1</td><td>2</td></tr>{% endscroll_table %}',
        quarter="Q1 <2023/24> & co",
    )
    region = html.fragment_fromstring(out)
    table = region.find("table")
    caption = table.find("caption")
    assert region.get("role") == "region"
    assert region.get("tabindex") == "0"
    assert region.get("aria-label") == "Actions by status, Q1 <2023/24> & co"
    assert caption.text_content() == region.get("aria-label")
    assert caption.get("class") == "govuk-table__caption govuk-table__caption--m"
    assert table.get("class") == "govuk-table app-table--compact"
    assert table.get("data-testid") == "t"
    assert [th.text_content() for th in table.findall("thead/tr/th")] == [
        "Action",
        "Q1 <2023/24> & co",
    ]
    assert [td.text for td in table.findall("tbody/tr/td")] == ["1", "2"]
    assert "<2023/24>" not in out


def test_the_caption_is_hidden_unless_a_size_is_given() -> None:
    out = _table("Milestones")
    table = html.fragment_fromstring(out).find("table")
    assert table.get("class") == "govuk-table"
    assert table.find("caption").get("class") == "govuk-table__caption govuk-visually-hidden"


def test_the_region_label_has_no_tags() -> None:
    out = _table("<b>Bold</b> news")
    assert html.fragment_fromstring(out).get("aria-label") == "Bold news"


@pytest.mark.parametrize("options", ['"label"', 'testid="a" heading="m"'])
def test_an_option_that_is_not_name_value_or_not_known_is_refused(options: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        _render(f"{{% scroll_table {options} %}}x{{% head %}}{{% rows %}}{{% endscroll_table %}}")


def test_a_heading_s_suffix_right_aligns_its_column_or_hides_its_words() -> None:
    out = _render(
        '{% column_headers "Grant" "Amount:numeric" unit "Use it:hidden" "Time: start" %}',
        unit="<b>:numeric",
    )
    assert out == (
        '<th scope="col" class="govuk-table__header">Grant</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Amount</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">&lt;b&gt;</th>'
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Use it</span></th>'
        '<th scope="col" class="govuk-table__header">Time: start</th>'
    )


EMPTY_OR_NOT = (
    '{% scroll_table testid="t" items=items %}Things{% head %}{% column_headers "Thing" %}'
    '{% rows %}{% for i in items %}<tr class="govuk-table__row"><td>{{ i }}</td></tr>{% endfor %}'
    '{% empty %}<p class="govuk-body">No thing.</p>{% endscroll_table %}'
)


def test_a_table_of_no_items_is_replaced_by_its_empty_part() -> None:
    assert _render(EMPTY_OR_NOT, items=[]) == '<p class="govuk-body">No thing.</p>'


def test_a_table_of_items_is_written_without_its_empty_part() -> None:
    region = html.fragment_fromstring(_render(EMPTY_OR_NOT, items=["a", "b"]))
    assert [td.text_content() for td in region.findall("table/tbody/tr/td")] == ["a", "b"]
    assert "No thing" not in region.text_content()


def test_without_items_a_table_of_no_rows_is_still_written() -> None:
    assert _table("Things").startswith('<div class="app-table-scroll"')


def test_a_printed_table_has_no_region_and_no_gov_uk_classes() -> None:
    out = _render(
        '{% print_table class="two-column" cols="c-name c-lead" %}\n  Leads of\n  {{ who }}\n'
        '{% head %}{% column_headers "Priority" kind plain=True %}'
        "{% rows %}<tr><th>1</th><td>2</td></tr>{% endprint_table %}",
        who="<b>",
        kind="Lead & deputy",
    )
    assert out == (
        '<table class="two-column"><caption>Leads of &lt;b&gt;</caption>'
        '<colgroup><col class="c-name"><col class="c-lead"></colgroup>'
        '<thead><tr><th scope="col">Priority</th><th scope="col">Lead &amp; deputy</th></tr>'
        "</thead>"
        "<tbody><tr><th>1</th><td>2</td></tr></tbody></table>"
    )


def test_a_printed_table_of_no_items_is_replaced_by_its_empty_part() -> None:
    source = (
        "{% print_table items=items %}T{% head %}{% rows %}x"
        "{% empty %}<p>None.</p>{% endprint_table %}"
    )
    assert _render(source, items=[]) == "<p>None.</p>"
    assert _render(source, items=[1]) == (
        "<table><caption>T</caption><thead><tr></tr></thead><tbody>x</tbody></table>"
    )


def test_a_printed_table_refuses_the_page_table_s_options() -> None:
    with pytest.raises(TemplateSyntaxError):
        _render('{% print_table testid="t" %}x{% head %}{% rows %}{% endprint_table %}')


@pytest.mark.parametrize(
    "testid", ["t", "a\"b<c>&'d", 7, SafeString("<b>safe</b>"), None, "{{ x }}"]
)
@pytest.mark.parametrize(
    "caption", ["Milestones", "A <em>marked</em> caption & more", "a < b, c > d", "x &lt; y"]
)
def test_the_frame_is_format_htmls_to_the_byte(testid: object, caption: str) -> None:
    """The region is written as ``format_html`` wrote it, for any caption and testid
    (escaped once; text already safe as it is)."""
    out = _render(
        '{% scroll_table testid=testid compact=True caption="s" %}'
        "{{ caption|safe }}{% head %}<th>{{ testid }}</th>{% rows %}<tr><td>&amp;</td></tr>"
        "{% endscroll_table %}",
        testid=testid,
        caption=caption,
    )
    caption_text = SafeString(" ".join(caption.split()))
    expected = format_html(
        '<div class="app-table-scroll" role="region" aria-label="{label}" tabindex="0">'
        '<table class="{table_class}" data-testid="{testid}">'
        '<caption class="govuk-table__caption {caption_class}">{caption}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
        '<tbody class="govuk-table__body">{rows}</tbody>'
        "</table></div>",
        label=mark_safe(strip_tags(caption_text)),
        table_class="govuk-table app-table--compact",
        testid=testid,
        caption_class="govuk-table__caption--s",
        caption=caption_text,
        head=format_html("<th>{}</th>", testid),
        rows=mark_safe("<tr><td>&amp;</td></tr>"),
    )
    assert out == expected
