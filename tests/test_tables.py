"""A service's input read from a form's cleaned data (csp_tracker.data.ModelData.from_form).

The table tags' tests are in tests/csp_tracker/test_tables.py."""

from decimal import Decimal

from performance.services import BidData, GrantData


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
