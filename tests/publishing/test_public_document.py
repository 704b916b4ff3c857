"""A published version as a web page on /published/: the same frozen snapshot as its
PDF (the same text, headings, tables and images with their alternative text), public,
with its own contents of in-page links; its images are only those the snapshot names."""

from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from plans.models import Plan, PlanVersion
from plans.services import plan_section_update
from publishing.templatetags.publishing_tags import section_html
from tests import factories
from tests.images import logo_give, published_with_snapshot, section_image_add

pytestmark = pytest.mark.django_db

TABLE = "| Priority | Lead |\n| --- | --- |\n| Domestic abuse | Kent Police |"


@pytest.fixture
def version(plan: Plan) -> PlanVersion:
    section = plan.sections.get()
    plan_section_update(
        section=section,
        title="Introduction",
        body=f"Welcome.\n\n### Our aims\n\n{TABLE}",
        is_restricted=False,
    )
    factories.SectionFactory(
        plan=plan, title="Not for the public", body="Secret", is_restricted=True
    )
    logo_give(plan.partnership, alt="Swale Community Safety Partnership")
    section_image_add(
        section, alt="Chart: incidents fell by a third", caption="Figure 1: incidents"
    )
    section_image_add(section, alt="", decorative=True)
    return published_with_snapshot(plan)


def _page(version: PlanVersion) -> str:
    response = Client().get(reverse("public:document", kwargs={"pk": version.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_reads_the_published_version_as_a_page_made_from_its_snapshot(
    version: PlanVersion,
) -> None:
    page = _page(version)
    snapshot = version.snapshot
    assert f'<h1 class="govuk-heading-xl">{snapshot["title"]}</h1>' in page
    for section in snapshot["sections"]:
        assert f'id="{section["id"]}"' in page
        assert f"{section['title']}</h2>" in page
        assert str(section_html(section["body"])) in page  # text, sub-headings, the table
        assert f'<a href="#{section["id"]}">{section["title"]}</a>' in page  # the contents
    assert '<th scope="col">Priority</th>' in page and "<td>Kent Police</td>" in page
    assert "Not for the public" not in page and "Secret" not in page
    assert reverse("public:download", kwargs={"pk": version.pk}) in page


def test_its_images_have_their_alternative_text_and_come_from_the_snapshot(
    version: PlanVersion,
) -> None:
    page = _page(version)
    images = [i for s in version.snapshot["sections"] for i in s["images"]]
    logo = reverse("public:image", kwargs={"pk": version.pk, "image": "logo"})
    assert f'src="{logo}" alt="Swale Community Safety Partnership"' in page
    chart, decorative = images
    chart_url = reverse("public:image", kwargs={"pk": version.pk, "image": chart["id"]})
    assert f'src="{chart_url}" alt="Chart: incidents fell by a third"' in page
    assert "Figure 1: incidents</figcaption>" in page
    decorative_url = reverse("public:image", kwargs={"pk": version.pk, "image": decorative["id"]})
    assert f'src="{decorative_url}" alt=""' in page
    response = Client().get(chart_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_later_edit_does_not_change_the_published_page(version: PlanVersion, plan: Plan) -> None:
    section = plan.sections.get(title="Introduction")
    plan_section_update(
        section=section, title="Introduction", body="Rewritten.", is_restricted=False
    )
    section.images.all().delete()
    page = _page(version)
    assert "Welcome." in page and "Rewritten." not in page
    assert "Chart: incidents fell by a third" in page


def test_an_image_the_snapshot_does_not_name_and_an_unpublished_version_are_not_found(
    version: PlanVersion, plan: Plan
) -> None:
    client = Client()
    assert (
        client.get(
            reverse("public:image", kwargs={"pk": version.pk, "image": "image-999"})
        ).status_code
        == 404
    )
    draft = PlanVersion.objects.create(
        plan=plan, number="9.9", effective_date=version.effective_date
    )
    assert client.get(reverse("public:document", kwargs={"pk": draft.pk})).status_code == 404
    assert (
        client.get(reverse("public:image", kwargs={"pk": draft.pk, "image": "logo"})).status_code
        == 404
    )


def test_the_public_list_and_the_version_page_link_to_the_web_page(
    version: PlanVersion, coordinator: Any
) -> None:
    href = reverse("public:document", kwargs={"pk": version.pk})
    assert f'href="{href}"' in Client().get(reverse("public:list")).content.decode()
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()
    assert f'href="{href}">Read it as a web page</a>' in page


def test_a_superseded_version_says_so(version: PlanVersion, plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)  # as publishing does
    assert 'data-testid="superseded"' not in _page(version)
    factories.published_version(plan, "6.0")  # published after it: the current one
    assert 'data-testid="superseded"' in _page(version)
