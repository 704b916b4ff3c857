"""Real concurrent approvals, on PostgreSQL: the pot is checked under a lock on the
grant's row, so bids approved at the same moment never together over-commit it."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from performance import services
from performance.models import Bid
from performance.selectors import grant_page_for
from performance.services import BidData, GrantData

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
    barrier = threading.Barrier(RUNNERS)
    approved, refused, errors = [], [], []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.bid_decide(bid=Bid.objects.get(pk=bids[i].pk), approve=True, user=None)
            approved.append(i)
        except services.OverCommitted:
            refused.append(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RUNNERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    # £13,220 holds four bids of £3,000; the fifth and sixth are refused.
    assert (len(approved), len(refused)) == (4, 2)
    money = grant_page_for(grant=grant).money
    assert money.tactical.approved == Decimal("12000")
    assert money.tactical.left == Decimal("1220")
