import pytest
from django.db import IntegrityError, transaction

from plans.models import Membership, Partnership, Plan
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_district_needs_its_county():
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(name="X", short_name="X", slug="x", kind="district")


def test_a_county_has_no_parent(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.create(name="Y", short_name="Y", slug="y", kind="county", parent=county)


def test_an_officer_membership_needs_an_agency(district):
    user = factories.UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, partnership=district, role="officer")


def test_one_role_per_partnership(district, agency):
    membership = factories.MembershipFactory(partnership=district, agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, partnership=district, role="coordinator")


def test_plan_period_must_end_after_it_starts(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            partnership=district,
            kind="community_safety_plan",
            title="T",
            start_year=2024,
            end_year=2024,
        )


def test_plan_period_labels():
    assert Plan(start_year=2023, end_year=2024).period_label == "2023/24"
    assert Plan(start_year=2024, end_year=2027).period_label == "2024-2027"
    assert Plan(start_year=1999, end_year=2000).period_label == "1999/00"
