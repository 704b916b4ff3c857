"""Money and numbers as people write them: "£39,661", "£1,234.50", "1,114", "12.5".

Amounts are Decimal everywhere (pounds and pence); snapshots keep them as strings
("39661.00") so that JSON never turns them into floats.
"""

from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")


def to_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_money(value: Decimal | int | str | None) -> str:
    """Whole pounds without pence when the pence are zero: "£39,661"; else "£1,234.50"."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(PENNY)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{int(amount):,}"
    return f"{sign}£{amount:,.2f}"


def format_number(value: Decimal | int | float | str | None) -> str:
    """An indicator's value: "1,114", "12.5" (no trailing zeros)."""
    number = to_decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def money_json(value: Decimal | None) -> str | None:
    """For a snapshot: "39661.00"."""
    return None if value is None else str(value.quantize(PENNY))
