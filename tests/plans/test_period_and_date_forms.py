"""The years and dates people type in the plan and publish forms: each accepted format,
and each refusal with its GOV.UK message."""

from datetime import date

import pytest
from django.urls import reverse

from plans.models import Plan, PlanVersion
from tests import factories
from tests.csp_tracker.test_periods import PERIODS_PEOPLE_WRITE

pytestmark = pytest.mark.django_db


def _create(client, district, period: str, shape: str = "multi_year"):
    return client.post(
        reverse("plans:create"),
        {
            "partnership": district.pk,
            "kind": "community_safety_plan",
            "shape": shape,
            "title": "A plan",
            "period": period,
        },
    )


@pytest.mark.parametrize(("period", "years"), PERIODS_PEOPLE_WRITE)
def test_the_plan_form_accepts_the_years_people_type(client, coordinator, district, period, years):
    client.force_login(coordinator)
    shape = "one_year" if years[1] - years[0] == 1 else "multi_year"
    response = _create(client, district, period, shape)
    assert response.status_code == 302, response.context["form"].errors
    plan = Plan.objects.get()
    assert (plan.start_year, plan.end_year) == years


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("", "Enter the financial years the plan covers"),
        ("2024", "Enter the years like 2024/25 for one year or 2024-2028 for several"),
        ("twenty", "Enter the years like 2024/25 for one year or 2024-2028 for several"),
        ("2024/27", "Enter one financial year like 2024/25, or several like 2024-2027"),
        ("2027-2024", "The last year must be after the first, like 2027-2030"),
        ("2024-2040", "Enter a period of 10 years or fewer"),
        ("1990-1995", "Enter years between 2000 and 2100"),
    ],
)
def test_the_plan_form_refuses_other_years_with_a_message(
    client, coordinator, district, period, message
):
    client.force_login(coordinator)
    response = _create(client, district, period)
    assert response.status_code == 200
    assert response.context["form"].errors["period"] == [message]
    assert message in response.content.decode()
    assert not Plan.objects.exists()


@pytest.fixture
def draft(district):
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    factories.SectionFactory(plan=plan)
    return plan


def _boxes(name, typed):
    """A GOV.UK date input's day, month and year boxes, as posted."""
    return {f"{name}_{i}": part for i, part in enumerate(typed)}


@pytest.mark.parametrize(
    "typed",
    [
        ("1", "April", "2024"),
        ("1", "4", "2024"),
        ("01", "04", "2024"),
        ("1", "Apr", "2024"),
        ("1", "apr.", "2024"),
        (" 1 ", " 4 ", " 2024 "),
    ],
)
def test_the_publish_form_accepts_the_dates_people_type(client, county_admin, draft, typed):
    from publishing.forms import PublishForm

    form = PublishForm({"number": "1.0"} | _boxes("effective_date", typed), plan=draft)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["effective_date"] == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the date the version takes effect"),
        (("1", "April", ""), "Effective date must include a year"),
        (("", "April", "2024"), "Effective date must include a day"),
        (("1", "", "2024"), "Effective date must include a month"),
        (("", "", "2024"), "Effective date must include a day and month"),
        (("1", "4", "24"), "Year must include 4 numbers"),
        (("31", "2", "2024"), "Effective date must be a real date, like 1 4 2024"),
        (("1", "13", "2024"), "Effective date must be a real date, like 1 4 2024"),
        (("soon", "4", "2024"), "Effective date must be a real date, like 1 4 2024"),
        (("next", "April", "2024"), "Effective date must be a real date, like 1 4 2024"),
        (("1", "4", "1999"), "Enter an effective date between 2000 and 2100"),
    ],
)
def test_the_publish_form_refuses_other_dates_with_a_message(
    client, county_admin, draft, typed, message
):
    client.force_login(county_admin)
    response = client.post(
        reverse("publishing:publish", kwargs={"pk": draft.pk}),
        {"number": "1.0"} | _boxes("effective_date", typed),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["effective_date"] == [message]
    assert message in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_a_milestone_done_date_is_read_the_same_way(client, coordinator, district):
    from actions.forms import MilestoneForm

    action = factories.ActionFactory(
        priority=factories.PriorityFactory(plan=factories.PlanFactory(partnership=district))
    )
    typed = {"description": "M"} | _boxes("done_date", ("27", "March", "2024"))
    form = MilestoneForm(typed, action=action)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["done_date"] == date(2024, 3, 27)
    typed = {"description": "M"} | _boxes("done_date", ("27", "March", ""))
    form = MilestoneForm(typed, action=action)
    assert form.errors["done_date"] == ["Date done must include a year"]
