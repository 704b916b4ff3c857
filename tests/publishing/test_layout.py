"""The documents as a typesetter would set them, read from the rendered PDFs: a generated
four-year strategy whose actions have no outcomes, milestones, timescales or leads and
whose themes have no actions (here), and the demo Swale plan and CSA
(test_publishing_demo.py)."""

import re
from typing import Any

import pytest

from publishing.layout import action_plan_layout
from publishing.services import document_render
from publishing.snapshot import SNAPSHOT_SCHEMA, ActionEntry, DocumentSnapshot, Heading
from tests.pdfs import body_lines, contents_pages, page_of, pdf_page_texts, underfilled_pages

WORDS = (
    "The partnership will work with residents and agencies to reduce harm, share what it "
    "learns and report progress to the executive group each quarter. "
)


def _heading(number: int, title: str, *, theme: bool = False) -> Heading:
    label = f"{'Cross-cutting theme' if theme else 'Priority'} {number}: {title}"
    return {
        "number": number, "title": title, "label": label, "summary": WORDS * 3,
        "facts": [], "includes": [], "outcomes": [], "lead": "", "lead_agencies": [],
        "categories": [], "category": "", "note": "",
    }  # fmt: skip


def _action(reference: str) -> ActionEntry:
    return {
        "reference": reference, "title": f"Deliver the work of action {reference} with partners",
        "desired_outcome": "", "lead": "", "is_linked": False, "linked_to": "",
        "is_grant_funded": False, "milestones": [],
    }  # fmt: skip


def strategy_snapshot() -> DocumentSnapshot:
    """A four-year strategy: six priorities with 8 actions each (nothing but a number and
    a title), four themes without actions; chapters that refer to each other."""
    titles = ["Tackling violence", "Safer streets", "Protecting people", "Drugs and alcohol",
              "Reducing reoffending", "Road safety"]  # fmt: skip
    priorities = [_heading(n, t) for n, t in enumerate(titles, start=1)]
    themes = [_heading(n, f"Theme {n}", theme=True) for n in range(1, 5)]
    groups: list[Any] = [
        {"label": p["label"], "note": "", "headings": [], "action_count": 8,
         "actions": [_action(f"{p['number']}.{n}") for n in range(1, 9)]}
        for p in priorities
    ] + [
        {"label": t["label"], "note": "", "actions": [], "headings": [], "action_count": 0}
        for t in themes
    ]  # fmt: skip
    sections = [
        ("1", "1. Introduction", WORDS * 4 + "\n\nThe priorities are in [[Priorities]]; the "
         "work on roads in [[Priority 6]], the table in [[Action plan|the action plan]].", ""),
        ("2", "2. Priorities", WORDS * 2, "county_priorities"),
        ("3", "3. Governance", (WORDS * 3 + "\n\n") * 3, ""),
        ("4", "4. Action plan", "See [[Governance]] for who checks progress.", "action_plan"),
    ]  # fmt: skip
    return {
        "schema": SNAPSHOT_SCHEMA, "plan_id": 1, "kind": "strategy",
        "kind_label": "Community Safety Strategy", "title": "Example Community Safety Strategy",
        "period": "2024-2028",
        "partnership": {"name": "Example Community Safety Partnership", "short_name": "Example",
                        "slug": "example"},
        "version": None, "versions": [],
        "sections": [
            {"id": f"section-{i}", "title": t, "body": b, "generated": g, "starts_new_page": False}
            for i, t, b, g in sections
        ],
        "restricted_left_out": [], "appended": [], "priorities": priorities, "themes": themes,
        "action_groups": groups, "action_count": 48, "pcc": None,
        "responsible_authorities": [], "assessment": None, "grants": [], "indicators": [],
    }  # fmt: skip


@pytest.fixture(scope="module")
def strategy() -> dict[str, Any]:
    snapshot = strategy_snapshot()
    pdf = document_render(snapshot=snapshot).pdf
    return {"snapshot": snapshot, "pdf": pdf, "pages": pdf_page_texts(pdf)}


def test_a_strategy_without_outcomes_or_milestones_prints_only_its_columns():
    layout = action_plan_layout(strategy_snapshot())
    assert [c.title for c in layout.columns] == ["No.", "Action"]
    assert layout.left_out == ["Desired outcome", "Key milestones", "Timescales", "Lead agency"]
    assert not layout.landscape
    assert layout.themes_without_actions == [
        f"Cross-cutting theme {n}: Theme {n}" for n in range(1, 5)
    ]


def test_the_strategys_action_plan_has_no_empty_column_and_is_portrait(strategy):
    pages = strategy["pages"]
    table = [i for i, page in enumerate(pages) if re.search(r"^\s*No\.\s+Action\s*$", page, re.M)]
    assert table, "the action plan's header row"
    for index in table:
        for column in ("Desired outcome", "Key milestones", "Timescales", "Lead agency"):
            assert column not in pages[index], (index + 1, column)
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(strategy["pdf"]))
    assert all(round(float(p.mediabox.width)) == 595 for p in reader.pages), "all portrait"


def test_the_themes_without_actions_are_named_in_one_line(strategy):
    text = "\n".join(strategy["pages"])
    assert text.count("Themes with no actions of their own:") == 1
    assert "No actions of its own" not in text
    line = re.search(r"Themes with no actions of their own:(.*?)\.\s*$", text, re.S | re.M)
    assert line and all(f"Theme {n}" in line.group(1) for n in range(1, 5))


def _chapter_starts(pages: list[str], contents: dict[str, int]) -> set[int]:
    return {
        n for title, n in contents.items() if re.match(r"\d+\.|Appendix|The action plan", title)
    }


def test_the_contents_gives_each_priority_its_page(strategy):
    pages = strategy["pages"]
    contents = contents_pages(pages)
    first = page_of(pages, r"1\. Introduction\s*$")
    for priority in strategy["snapshot"]["priorities"]:
        assert contents[priority["label"]] == page_of(
            pages, re.escape(priority["label"]) + r"\s*$", after=first - 1
        )


def test_no_page_is_left_short_but_a_chapters_last(strategy):
    pages, pdf = strategy["pages"], strategy["pdf"]
    starts = _chapter_starts(pages, contents_pages(pages))
    assert underfilled_pages(pdf, pages, chapter_starts=starts) == []


def test_no_heading_is_stranded_at_a_page_foot(strategy):
    pages = strategy["pages"]
    headings = [p["label"] for p in strategy["snapshot"]["priorities"]]
    headings += [s["title"] for s in strategy["snapshot"]["sections"]]
    first = page_of(pages, r"1\. Introduction\s*$")
    for page in pages[first - 1 :]:
        lines = body_lines(page)
        assert lines and not any(lines[-1].strip() == h for h in headings), lines[-1]


def test_each_reference_prints_the_page_of_its_target(strategy):
    pages = strategy["pages"]
    first = page_of(pages, r"1\. Introduction\s*$")
    targets = {
        "Priorities": r"2\. Priorities\s*$",
        "Priority 6": r"Priority 6: Road safety\s*$",
        "the action plan": r"4\. Action plan\s*$",
        "Governance": r"3\. Governance\s*$",
    }
    text = " ".join(" ".join(pages).split())
    for words, heading in targets.items():
        found = re.search(re.escape(words) + r"\s+\(page\s+(\d+)\)", text)
        assert found, words
        assert int(found.group(1)) == page_of(pages, heading, after=first - 1), words


def test_a_chapter_starts_a_new_page_only_when_its_author_asks(strategy):
    pages = strategy["pages"]
    starts = [body_lines(page)[0].strip() for page in pages[1:]]
    # Flowing: "3. Governance" opens mid-page.
    governance = page_of(pages, r"3\. Governance\s*$", after=2)
    assert body_lines(pages[governance - 1])[0].strip() != "3. Governance", starts
    snapshot = strategy_snapshot()
    snapshot["sections"][2]["starts_new_page"] = True
    asked = pdf_page_texts(document_render(snapshot=snapshot).pdf)
    governance = page_of(asked, r"3\. Governance\s*$", after=2)
    assert body_lines(asked[governance - 1])[0].strip() == "3. Governance"


def test_milestones_carry_their_own_leads_and_headings_travel_with_their_first_action():
    snapshot = strategy_snapshot()
    action = _action("1.1")
    action["lead"] = "Domestic Abuse Group\nCSP Executive"
    action["milestones"] = [
        {
            "description": "Refresher to agencies",
            "timescale": "Sept 23",
            "lead": "Domestic Abuse Group",
        },
        {"description": "Strategic discussion", "timescale": "", "lead": "CSP Executive"},
    ]
    plain = _action("1.2")
    plain["lead"] = "Swale BC"
    plain["milestones"] = [{"description": "Pilot continued", "timescale": "Ongoing", "lead": ""}]
    snapshot["action_groups"][0]["actions"] = []
    snapshot["action_groups"][0]["headings"] = [
        {"title": "Pursue", "actions": [action, plain]},
        {"title": "Prevent", "actions": []},
    ]
    layout = action_plan_layout(snapshot)
    assert [c.title for c in layout.columns] == [
        "No.", "Action", "Key milestones", "Timescales", "Lead agency"
    ]  # fmt: skip
    assert layout.landscape
    first, second = layout.blocks[0], layout.blocks[1]
    assert first.above == [("group", "Priority 1: Tackling violence"), ("heading", "Pursue")]
    assert first.lead_per_row and [r.lead for r in first.rows] == [
        "Domestic Abuse Group",
        "CSP Executive",
    ]
    assert second.above == [] and not second.lead_per_row and second.span == 1
    assert all(("heading", "Prevent") not in b.above for b in layout.blocks)
