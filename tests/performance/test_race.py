"""Real concurrent approvals, on PostgreSQL: the pot is checked under a lock on the
grant's row, so bids approved at the same moment never together over-commit it."""

from decimal import Decimal

import pytest
from django.db import connection

from performance import services
from performance.models import Bid
from performance.selectors import grant_page_for
from performance.services import BidData, GrantData
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)

RUNNERS = 6


def test_concurrent_approvals_never_over_commit_the_tactical_pot(require_postgres, district):
    assert connection.vendor == "postgresql"
    grant = services.grant_create(
        partnership=district,
        data=GrantData(name="Grant", funder="PCC", financial_year=2023, amount=Decimal("39661")),
    )
    bids = [
        services.bid_submit(grant=grant, data=BidData(title=f"Bid {i}", amount=Decimal("3000")))
        for i in range(RUNNERS)
    ]

    def approve(i: int) -> None:
        services.bid_decide(bid=Bid.objects.get(pk=bids[i].pk), approve=True, user=None)

    result = race(approve, runners=RUNNERS, lost=(services.OverCommitted,), join_timeout=60)
    assert result.errors == []
    # £13,220 holds four bids of £3,000; the fifth and sixth are refused.
    assert (len(result.won), len(result.lost)) == (4, 2)
    money = grant_page_for(grant=grant).money
    assert money.tactical.approved == Decimal("12000")
    assert money.tactical.left == Decimal("1220")
