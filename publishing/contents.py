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


# The tables that set out the priorities and themes, each of which carries their anchors
# in the first chapter that places one.
_SETS_OUT = {GeneratedTable.COUNTY_PRIORITIES.value, GeneratedTable.PCC_PRIORITIES.value}


def priorities_home(doc: DocumentSnapshot) -> str:
    """The id of the first chapter that sets out the priorities ("" if none does)."""
    chapters = [*doc["sections"], *doc["appended"]]
    return next((c["id"] for c in chapters if c["generated"] in _SETS_OUT), "")


def document_contents(doc: DocumentSnapshot) -> list[ContentsLine]:
    """Each chapter in order; the priorities and themes under the chapter that sets them
    out."""
    home = priorities_home(doc)
    return [
        ContentsLine(c["id"], c["title"], heading_entries(doc) if c["id"] == home else [])
        for c in [*doc["sections"], *doc["appended"]]
    ]
