import pytest
from django.urls import reverse

from plans.models import Plan


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("9999/00", "Enter years between 2000 and 2100"),
        ("0000-0001", "Enter years between 2000 and 2100"),
        ("2024-2060", "Enter a period of 10 years or fewer"),
        ("2024/26", "Enter one financial year like 2024/25, or several like 2024-2026"),
        ("next year", "Enter the years like 2024/25 for one year or 2024-2028 for several"),
    ],
)
def test_plan_years_are_checked(client, coordinator, district, period, message):
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:create"),
        {
            "partnership": district.pk,
            "kind": "community_safety_plan",
            "title": "A plan",
            "period": period,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()
