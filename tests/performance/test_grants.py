"""A grant's money (performance.grants) and the services that guard it: pots never
over-committed, bids decided once, stale edits refused, status history append-only."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from performance import services
from performance.models import Bid, FundedProjectStatus, Pot
from performance.selectors import grant_page_for
from performance.services import BidData, GrantData, ProjectData

pytestmark = pytest.mark.django_db


def money(grant):
    return grant_page_for(grant=grant).money


def test_projects_count_against_their_pot_and_top_ups_against_the_tactical_pot(grant, make_project):
    training = make_project("Victim blaming training", "1600")
    make_project("Gaming bus", "3450", pot=Pot.TACTICAL)
    bid = services.bid_submit(
        grant=grant,
        data=BidData(title="Two more sessions", amount=Decimal("800"), top_up_of=training),
    )
    services.bid_decide(bid=bid, approve=True, user=None)
    m = money(grant)
    assert m.up_front.approved == Decimal("1600")
    assert m.tactical.approved == Decimal("4250")
    assert m.whole.approved == Decimal("5850")
    assert m.projects[training.pk].approved == Decimal("2400")
    assert m.projects[training.pk].top_ups == Decimal("800")
    assert m.whole.left == Decimal("39661") - Decimal("5850")
    assert m.unallocated == Decimal("1")


def test_approving_a_bid_that_would_over_commit_the_tactical_pot_is_refused_naming_the_amount(
    grant, make_project
):
    make_project("Already in the pot", "13000", pot=Pot.TACTICAL)
    bid = services.bid_submit(grant=grant, data=BidData(title="Too big", amount=Decimal("450")))
    with pytest.raises(services.OverCommitted) as refused:
        services.bid_decide(bid=bid, approve=True, user=None)
    assert refused.value.message == (
        "Approving this bid would over-commit the tactical pot by £230: it has £220 left "
        "and this is £450"
    )
    bid.refresh_from_db()
    assert bid.status == Bid.Decision.PENDING
    assert grant.projects.count() == 1
    # Declining is always possible.
    services.bid_decide(bid=bid, approve=False, user=None)
    bid.refresh_from_db()
    assert bid.status == Bid.Decision.DECLINED


def test_pending_bids_are_committed_and_over_commitment_is_visible_before_any_approval(
    grant, make_project
):
    make_project("In the pot", "10000", pot=Pot.TACTICAL)
    for title in ("First", "Second"):
        services.bid_submit(grant=grant, data=BidData(title=title, amount=Decimal("2000")))
    m = money(grant)
    assert m.tactical.pending == Decimal("4000")
    assert m.tactical.committed == Decimal("14000")
    assert m.tactical.over_committed_by == Decimal("780")
    assert m.tactical.left == Decimal("3220")


def test_an_approved_bid_for_a_new_project_becomes_a_tactical_pot_project(grant):
    bid = services.bid_submit(
        grant=grant,
        data=BidData(
            title="BCRP rural extension", amount=Decimal("3186"), submitted_on=date(2023, 11, 1)
        ),
    )
    bid = services.bid_decide(bid=bid, approve=True, user=None, decided_on=date(2023, 12, 1))
    project = bid.project
    assert project is not None and project.pot == Pot.TACTICAL
    assert project.amount_approved == Decimal("3186")
    assert project.statuses.get().status == "not_started"
    assert money(grant).tactical.approved == Decimal("3186")
    with pytest.raises(services.AlreadyDecided):
        services.bid_decide(bid=bid, approve=False, user=None)


def test_no_bid_after_the_tactical_pot_closed(grant):
    grant.tactical_closes_on = date(2024, 2, 29)
    grant.save()
    with pytest.raises(services.PotClosed) as refused:
        services.bid_submit(
            grant=grant,
            data=BidData(title="Late", amount=Decimal("100"), submitted_on=date(2024, 3, 1)),
        )
    assert "closed on 29 February 2024" in refused.value.message
    services.bid_submit(
        grant=grant,
        data=BidData(title="In time", amount=Decimal("100"), submitted_on=date(2024, 2, 29)),
    )


def test_a_project_cannot_over_commit_its_pot_nor_grow_past_it(grant, make_project):
    project = make_project("Videos", "26000")
    with pytest.raises(services.OverCommitted) as refused:
        make_project("One too many", "441")
    assert "over-commit the up-front pot by £1: it has £440 left" in refused.value.message
    data = ProjectData(title="Videos", amount_approved=Decimal("26441"))
    with pytest.raises(services.OverCommitted):
        services.project_update(project=project, data=data, expected_version=project.lock_version)
    # Moving it to the tactical pot needs room there for all of it.
    moved = ProjectData(title="Videos", amount_approved=Decimal("13000"), pot=Pot.TACTICAL)
    project.refresh_from_db()
    services.project_update(project=project, data=moved, expected_version=project.lock_version)
    m = money(grant)
    assert (m.up_front.approved, m.tactical.approved) == (Decimal("0"), Decimal("13000"))


def test_a_withdrawn_project_counts_only_what_it_spent(grant, make_project):
    project = make_project("Withdrawn", "5000", amount_spent=Decimal("1200"))
    services.project_status_record(project=project, status="withdrawn", note="Provider left")
    m = money(grant)
    assert m.up_front.approved == Decimal("1200")
    assert m.up_front.spent == Decimal("1200")
    assert m.approved_project_count == 0


def test_a_withdrawn_project_taken_up_again_needs_room_in_its_pot(grant, make_project):
    withdrawn = make_project("Withdrawn", "20000")
    services.project_status_record(project=withdrawn, status="withdrawn", note="")
    make_project("Took its place", "20000")
    with pytest.raises(services.OverCommitted) as refused:
        services.project_status_record(project=withdrawn, status="on_track", note="")
    assert refused.value.message == (
        "Taking the project up again would over-commit the up-front pot by £13,560"
    )
    assert withdrawn.statuses.count() == 2


def test_spending_counts_against_the_own_approval_first_then_the_top_ups(grant, make_project):
    project = make_project("Training", "1600", amount_spent=Decimal("2000"))
    bid = services.bid_submit(
        grant=grant, data=BidData(title="More", amount=Decimal("800"), top_up_of=project)
    )
    services.bid_decide(bid=bid, approve=True, user=None)
    m = money(grant)
    assert (m.up_front.spent, m.tactical.spent) == (Decimal("1600"), Decimal("400"))


def test_a_stale_edit_of_a_grant_or_project_is_refused(grant, make_project):
    data = GrantData(
        name="Crime Reduction Grant", funder="PCC", financial_year=2023, amount=Decimal("40000")
    )
    seen = grant.lock_version
    services.grant_update(grant=grant, data=data, expected_version=seen)
    with pytest.raises(services.StaleEdit):
        services.grant_update(grant=grant, data=data, expected_version=seen)
    project = make_project()
    seen = project.lock_version
    services.project_status_record(
        project=project, status="at_risk", note="", expected_version=seen
    )
    with pytest.raises(services.StaleEdit):
        services.project_status_record(
            project=project, status="off_track", note="", expected_version=seen
        )
    assert [s.status for s in project.statuses.order_by("recorded_at", "id")] == [
        "on_track",
        "at_risk",
    ]


def test_a_grant_cannot_shrink_below_what_it_approved(grant, make_project):
    make_project("Big", "20000")
    data = GrantData(
        name="Crime Reduction Grant",
        funder="PCC",
        financial_year=2023,
        amount=Decimal("30000"),  # the default split gives £20,000 and £10,000: fine
    )
    services.grant_update(grant=grant, data=data, expected_version=grant.lock_version)
    grant.refresh_from_db()
    smaller = GrantData(
        name="Crime Reduction Grant", funder="PCC", financial_year=2023, amount=Decimal("29000")
    )
    with pytest.raises(services.OverCommitted) as refused:
        services.grant_update(grant=grant, data=smaller, expected_version=grant.lock_version)
    assert refused.value.message == (
        "The up-front pot would be £667 less than it has approved already (£20,000)"
    )


def test_the_return_is_no_more_than_the_grant_has_left(grant, make_project):
    make_project("Up front", "21240")
    make_project("Tactical", "7436", pot=Pot.TACTICAL)

    def give_back(amount: str, note: str = "") -> None:
        services.grant_return_record(
            grant=grant,
            amount=Decimal(amount),
            returned_on=date(2024, 3, 31),
            note=note,
            expected_version=grant.lock_version,
        )

    with pytest.raises(services.Refused) as refused:
        give_back("11000")
    assert "£10,985 left" in refused.value.message
    grant.refresh_from_db()
    give_back("10985", "Returned to the OPCC")
    grant.refresh_from_db()
    assert grant.returned_amount == Decimal("10985")


def test_the_split_cannot_exceed_the_grant(district):
    with pytest.raises(Exception, match="add up to more than the grant"):
        services.grant_create(
            partnership=district,
            data=GrantData(
                name="Grant",
                funder="PCC",
                financial_year=2023,
                amount=Decimal("100"),
                up_front_amount=Decimal("70"),
                tactical_amount=Decimal("31"),
            ),
        )


def test_status_history_is_append_only_in_the_database(make_project):
    project = make_project()
    status = project.statuses.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundedProjectStatus.objects.filter(pk=status.pk).update(note="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundedProjectStatus.objects.filter(pk=status.pk).delete()
    assert project.statuses.get().note == ""
