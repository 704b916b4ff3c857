"""Publishing the demo: the Swale plan 2023/24 and the CSA April 2024, rendered once for
the module (a render takes a second or two) inside a transaction that is rolled back."""

import io
import json
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from demo.loader import load_demo
from plans.models import Plan, PlanVersion
from publishing import selectors, services
from reporting.pdf import check_accessibility
from tests.html_forms import publish_confirmed, publish_data

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"
# The marker makes pytest-django set up the test database the module fixture uses.
pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    out: dict[str, Any] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        from accounts.models import User

        admin = User.objects.get(email="admin@kcst.example")
        client = Client()
        client.force_login(admin)
        for key, slug, number in (("swale", "swale", "1.0"), ("csa", "kent", "8.0")):
            plan = Plan.objects.get(partnership__slug=slug)
            day = (
                plan.versions.earliest("pk").effective_date
                if plan.versions.exists()
                else __import__("datetime").date(2023, 4, 1)
            )
            # Published as the county admin would: the publish form, with the editor's
            # check's findings (the CSA's draft placeholders) confirmed.
            url = reverse("publishing:publish", kwargs={"pk": plan.pk})
            form = client.get(url).context["form"]
            posted = client.post(
                url,
                {
                    **publish_data(number, day),
                    "request_key": form.initial["request_key"],
                    **publish_confirmed(form),
                },
            )
            assert posted.status_code == 302, posted.content.decode()[:2000]
            version = plan.versions.get(number=number)
            assert services.plan_version_render(version_id=version.pk) == "published"
            # A second delivery of the task does nothing.
            assert services.plan_version_render(version_id=version.pk) == "published"
            version.refresh_from_db()
            pdf = version.pdf.open("rb").read()
            version.pdf.close()
            out[key] = {
                "pdf": pdf,
                "text": _text(pdf),
                "version": version,
                "snapshot": version.snapshot,
                "plan_status": Plan.objects.get(pk=plan.pk).status,
            }
        out["public"] = selectors.published_document_list()
        transaction.set_rollback(True)
    return out


def test_the_swale_pdf_holds_all_19_actions(published):
    doc = json.loads((DEMO / "swale-2023-24.json").read_text())
    text = published["swale"]["text"]
    assert len(doc["actions"]) == 19
    for action in doc["actions"]:
        assert _squash(action["title"])[:60] in text, action["reference"]
        assert action["reference"] in text
    for heading in ("No.", "Action", "Desired outcome", "Key milestones", "Timescales"):
        assert heading in text
    assert "Lead agency" in text


def test_the_csa_pdf_holds_priorities_themes_leads_versions_and_appendix_a(published):
    doc = json.loads((DEMO / "csa-2024.json").read_text())
    kent = json.loads((DEMO / "kent.json").read_text())
    text = published["csa"]["text"]
    assert len(doc["priorities"]) == 8 and len(doc["themes"]) == 5
    for heading in doc["priorities"] + doc["themes"]:
        assert _squash(heading["title"]) in text
    for priority in doc["priorities"]:
        assert _squash(priority["lead"])[:50] in text
    for number in [f"{n}.0" for n in range(1, 9)]:
        assert re.search(rf"\b{re.escape(number)}\b", text), number
    rows = published["csa"]["snapshot"]["assessment"]["rows"]
    assert len(rows) == 14
    expected = {c["name"]: c["csps_2023_24"] for c in kent["priority_categories"]}
    assert {r["name"]: r["count"] for r in rows} == expected
    for row in rows:
        assert _squash(row["name"]) in text
    assert "Making Kent Safer" in text  # the PCC's priorities beside the CSA's
    assert "Kent Fire and Rescue Service" in text  # responsible authorities


def test_the_published_pdfs_pass_the_accessibility_check(published):
    for key in ("swale", "csa"):
        pdf = published[key]["pdf"]
        result = check_accessibility(pdf)
        assert result.problems == [], key
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert str(document.Root.Lang) == "en-GB"
            assert str(document.docinfo["/Title"]).startswith(published[key]["snapshot"]["title"])
            assert str(document.docinfo["/Author"])
            assert "/Outlines" in document.Root  # bookmarks from the headings


def test_the_published_version_is_frozen_with_its_checksum(published):
    import hashlib

    for key in ("swale", "csa"):
        version = published[key]["version"]
        assert version.status == PlanVersion.Status.PUBLISHED
        assert version.sha256 == hashlib.sha256(published[key]["pdf"]).hexdigest()
        assert version.size == len(published[key]["pdf"])
        assert version.snapshot["version"]["number"] == version.number
        assert published[key]["plan_status"] == Plan.Status.PUBLISHED


def test_the_public_list_shows_both_documents(published):
    slugs = {group.partnership.slug: group for group in published["public"]}
    assert set(slugs) == {"kent", "swale"}
    assert all(d.is_current for g in slugs.values() for d in g.documents)


def _pdftotext_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Page texts as poppler reads them (it reads the running headers and footers too)."""
    import subprocess

    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [_squash(page) for page in out.split("\f")][: len(PdfReader(io.BytesIO(pdf)).pages)]


def test_the_plan_pdf_is_laid_out_like_the_printed_plan(published, tmp_path):
    pdf = published["swale"]["pdf"]
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    assert (595, 842) in sizes, "A4 portrait pages"
    landscape = [i for i, size in enumerate(sizes) if size == (842, 595)]
    assert len(landscape) >= 2, "A4 landscape pages for the action plan table"
    pages = _pdftotext_pages(pdf, tmp_path)
    # The table's header row is repeated on every landscape page of the action plan.
    for i in landscape:
        assert "Desired outcome" in pages[i] and "Key milestones" in pages[i], i + 1
    # A running header and footer ("Page N of M") after the cover.
    total = len(pages)
    for n in range(2, total + 1):
        assert f"Page {n} of {total}" in pages[n - 1], n
        assert pages[n - 1].startswith("Swale Community Safety Plan 2023/24"), n
    # The contents give page numbers, and headings are bookmarks.
    # The contents follows the version control table on its page.
    contents = next(page for page in pages if re.search(r"\bContents Introduction\b", page))
    assert re.search(r"Introduction \.+ \d+", contents)
    with pikepdf.open(io.BytesIO(pdf)) as doc, doc.open_outline() as outline:
        titles, stack = [], list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    assert "Swale Community Safety Plan 2023/24" in titles and "Introduction" in titles


def test_the_demo_documents_are_set_as_a_typesetter_would(published):
    from tests.pdfs import contents_pages, page_of, pdf_page_texts, underfilled_pages

    for key in ("swale", "csa"):
        pdf = published[key]["pdf"]
        pages = pdf_page_texts(pdf)
        contents = contents_pages(pages)
        first = page_of(pages, r"(1\. )?Introduction\s*$|Foreword\s*$")
        # Each priority is in the contents with the page it is on.
        for priority in published[key]["snapshot"]["priorities"]:
            label = priority["label"]
            assert contents[label] == page_of(
                pages,
                re.escape(label)
                + r"\s*$|\s*•\s*"
                + re.escape(priority["title"][:20])
                + r"[^:–]*?(\s{2,}•|$)",
                after=first - 1,
            ), (key, label)
        chapters = {n for t, n in contents.items() if not re.match(r"Priority|Cross-cutting", t)}
        assert underfilled_pages(pdf, pages, chapter_starts=chapters) == [], key
        text = " ".join(" ".join(pages).split())
        assert "No actions of its own" not in text
    swale = "\n".join(pdf_page_texts(published["swale"]["pdf"]))
    # Milestone 4.1 on one line, and each milestone beside its timescale (Swale 1.3).
    assert re.search(r"Seek funding for extension/embedding of service\s+Sept 24", swale)
    assert re.search(r"Mapping of existing services aimed at changing.*June 23", swale)
    csa = " ".join(" ".join(pdf_page_texts(published["csa"]["pdf"])).split())
    assert "Themes with no actions of their own: Cross-cutting theme 3" in csa
    # Every reference prints the page its target is on.
    csa_pages = pdf_page_texts(published["csa"]["pdf"])
    for words, heading in (("Appendix E", r"Appendix E:"), ("County Priorities", r"6\. County")):
        numbers = re.findall(re.escape(words) + r" \(page (\d+)\)", csa)
        assert numbers, words
        assert {int(n) for n in numbers} == {page_of(csa_pages, heading, after=6)}, words
    assert not re.search(r"\bon page \d+|\bp\.\d+", csa)  # no typed page numbers left


def test_the_csas_tables_of_one_kind_have_the_same_columns(published):
    """The priorities', themes' and leads' tables (a name and what goes with it) set their
    second column at the same place, however long the names (they differed by half a page)."""
    from tests.pdfs import pdf_page_texts

    text = "\n".join(pdf_page_texts(published["csa"]["pdf"]))
    header = r"^(\s*(?:Priority|Cross-cutting theme)\s+)(?:What it includes|Lead)\s*$"
    starts = [len(found.group(1)) for found in re.finditer(header, text, re.M)]
    # Three tables, and their header rows again on each page a table runs on to.
    assert len(starts) >= 3, starts
    assert max(starts) - min(starts) <= 3, starts
