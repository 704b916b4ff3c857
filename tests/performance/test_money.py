"""Money and numbers as people read them, and the grant's default split."""

from decimal import Decimal

import pytest

from performance.grants import default_split
from performance.money import format_money, format_number
from performance.templatetags.performance_tags import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("39661"), "£39,661"),
        (Decimal("39661.00"), "£39,661"),
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("1234.05"), "£1,234.05"),
        (Decimal("0"), "£0"),
        (Decimal("-1"), "-£1"),
        ("28676.00", "£28,676"),
        (800, "£800"),
        (None, ""),
        ("not money", ""),
    ],
)
def test_money_is_whole_pounds_unless_there_are_pence(value, shown):
    assert format_money(value) == shown
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("1114.00"), "1,114"), (Decimal("12.50"), "12.5"), (Decimal("0.25"), "0.25")],
)
def test_numbers_lose_their_trailing_zeros(value, shown):
    assert format_number(value) == shown


def test_the_default_split_rounds_each_pot_down_to_whole_pounds_as_the_paper_does():
    assert default_split(Decimal("39661")) == (Decimal("26440"), Decimal("13220"))
    assert default_split(Decimal("30000")) == (Decimal("20000"), Decimal("10000"))
    assert default_split(Decimal("100.50")) == (Decimal("67"), Decimal("33"))
