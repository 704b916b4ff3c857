import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_accessibility_statement_names_the_contact(client, settings):
    settings.CSP_CONTACT_EMAIL = "team@example.org"
    response = client.get(reverse("pages:accessibility"))
    assert response.status_code == 200
    assert 'href="mailto:team@example.org"' in response.content.decode()


@pytest.mark.django_db
def test_home_sends_signed_in_people_to_their_actions(client, officer):
    assert client.get(reverse("pages:home")).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("pages:home"))["Location"] == reverse("actions:mine")


def test_errors_pages_are_gov_uk_pages(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_everyone_finds_the_published_documents(client):
    page = client.get(reverse("pages:home")).content.decode()
    assert page.count(f'href="{reverse("public:list")}"') == 2  # the page and the footer
