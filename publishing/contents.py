"""The document's contents and the anchors of its priorities and themes: the contents
lists each chapter and, under the chapter that sets them out, each priority and theme by
its numbered label ("Priority 1: Domestic Abuse"), with the page WeasyPrint finds for its
anchor (``target-counter`` in publication.css)."""

from dataclasses import dataclass, field

from plans.models import GeneratedTable
from priorities.lists import ListItem
from publishing.snapshot import DocumentSnapshot, Heading


@dataclass(frozen=True)
class Entry:
    anchor: str
    label: str
    includes: list[ListItem] = field(default_factory=list)


@dataclass(frozen=True)
class ContentsLine:
    anchor: str
    title: str
    children: list[Entry]


def _entries(doc: DocumentSnapshot, kind: str) -> list[Entry]:
    headings: list[Heading] = doc["priorities"] if kind == "priority" else doc["themes"]
    return [Entry(f"{kind}-{h['number']}", h["label"], h["includes"]) for h in headings]


def heading_entries(doc: DocumentSnapshot) -> list[Entry]:
    """The priorities, then the themes, each with its anchor and numbered label."""
    return [*_entries(doc, "priority"), *_entries(doc, "theme")]


def heading_tables(doc: DocumentSnapshot) -> list[tuple[str, str, list[Entry]]]:
    """The CSA's two tables of chapter 6: (caption's subject, column header, rows)."""
    return [
        ("Priorities", "Priority", _entries(doc, "priority")),
        ("Cross-cutting themes", "Cross-cutting theme", _entries(doc, "theme")),
    ]


def document_contents(doc: DocumentSnapshot) -> list[ContentsLine]:
    """Each chapter in order; the priorities and themes under the first chapter that
    sets them out."""
    chapters = [*doc["sections"], *doc["appended"]]
    placed = False
    lines = []
    for chapter in chapters:
        children: list[Entry] = []
        if chapter["generated"] == GeneratedTable.COUNTY_PRIORITIES and not placed:
            children, placed = heading_entries(doc), True
        lines.append(ContentsLine(chapter["id"], chapter["title"], children))
    return lines
