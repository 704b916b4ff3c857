"""The editor's check: what an editor would query in a document before it is published —
a draft's placeholders, page numbers typed in the text, a figure referred to that is not
there, empty chapters and action-plan columns nobody filled in. Read from the document
snapshot, so the preview, the publish page and the publish service ask the same question.

Each finding is a warning: the document can still be published once the publisher says
they have checked them. A typed page number is a warning and not an error: the page it
names cannot be known before the PDF is laid out, so the check cannot show it misleads.
"""

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from plans.models import GeneratedTable
from priorities.lists import ListItem
from publishing.layout import document_actions, filled_columns
from publishing.snapshot import DocumentSnapshot
from publishing.xref import document_targets, unresolved_references

# Words a draft leaves for later. "TBC" and "XX" only in capitals, as typed.
_PLACEHOLDER = re.compile(
    r"\bwill be updated\b|\bin development\b|\bto be confirmed\b|\binsert\b"
    r"|\[\s*(?:…|\.\.\.)\s*\]"
    r"|(?-i:\bTBC\b|\bXX+\b)",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"\b(?:on |see |at )?pages? \d+(?:\s*(?:-|–|to|and)\s*\d+)?\b", re.I)
_FIGURE = re.compile(
    r"\b(?:the|this|following)\s+(?:diagram|chart|figure|graph|infographic|image|map)s?\s+"
    r"(?:below|above|overleaf|shows?)\b"
    r"|\b(?:see|in)\s+(?:figure|diagram|chart)\s+\d+\b",
    re.I,
)
# A section's text cannot hold an image (plans/text.py); a generated table may draw one,
# or set out as a table what a draft drew as a diagram (the priorities beside the PCC's).
_DRAWS_CHARTS = {GeneratedTable.INDICATORS.value, GeneratedTable.PCC_PRIORITIES.value}
_QUOTE_AROUND = 60


@dataclass(frozen=True)
class Finding:
    """One thing to check: where it is, what kind, and the words quoted."""

    chapter: str
    kind: str
    quote: str

    @property
    def message(self) -> str:
        if not self.quote:
            return f"{self.chapter}: {self.kind}"
        return f"{self.chapter}: {self.kind}: “{self.quote}”"


def _quote(text: str, start: int, end: int) -> str:
    """The sentence around a match, cut to a few words either side where it is long."""
    left = max(
        text.rfind(". ", 0, start) + 2 if ". " in text[:start] else 0,
        text.rfind("\n", 0, start) + 1,
    )
    cut_left = left < start - _QUOTE_AROUND
    if cut_left:
        left = text.find(" ", start - _QUOTE_AROUND, start) + 1 or start
    stops = [i + 1 for i in (text.find(". ", end), text.find("\n", end) - 1) if i >= 0]
    right = min([*stops, len(text)])
    cut_right = right > end + _QUOTE_AROUND
    if cut_right:
        space = text.rfind(" ", end, end + _QUOTE_AROUND)
        right = space if space != -1 else end
    words = " ".join(text[left:right].split())
    return ("…" if cut_left else "") + words + ("…" if cut_right else "")


def _list_text(items: list[ListItem]) -> Iterator[str]:
    for item in items:
        yield item["text"]
        yield from _list_text(item["items"])


def _texts(snapshot: DocumentSnapshot) -> Iterator[tuple[str, str, str]]:
    """(chapter, text, the generated table beside it) for every piece of prose."""
    for section in snapshot["sections"]:
        yield section["title"], section["body"] or "", section["generated"]
    for heading in [*snapshot["priorities"], *snapshot["themes"]]:
        label = heading["label"]
        for text in (heading["title"], heading["summary"], heading["lead"], heading["note"]):
            yield label, text or "", ""
        for items in (heading["facts"], heading["includes"], heading["outcomes"]):
            for text in _list_text(items):
                yield label, text, ""
    for action in document_actions(snapshot):
        where = f"Action plan, action {action['reference']}"
        for text in (action["title"], action["desired_outcome"], action["lead"]):
            yield where, text, ""
        for milestone in action["milestones"]:
            for text in (milestone["description"], milestone["timescale"], milestone["lead"]):
                yield where, text, ""


def _empty_columns(snapshot: DocumentSnapshot) -> Iterator[Finding]:
    actions = document_actions(snapshot)
    if not actions:
        return
    for column, filled in filled_columns(actions).items():
        if not filled:
            yield Finding(
                "Action plan", f"the “{column.title}” column is empty for every action", quote=""
            )


def document_check_findings(*, snapshot: DocumentSnapshot) -> list[Finding]:
    """What the editor's check finds in the document: empty chapters, then what the text
    says (chapter by chapter), then the action plan's empty columns."""
    findings: list[Finding] = []
    targets = document_targets(snapshot)
    for section in snapshot["sections"]:
        if not (section["body"] or "").strip() and not section["generated"]:
            findings.append(Finding(section["title"], "the chapter is empty", quote=""))
    for chapter, text, generated in _texts(snapshot):
        for match in _PLACEHOLDER.finditer(text):
            findings.append(Finding(chapter, "draft wording", _quote(text, *match.span())))
        for match in _PAGE_NUMBER.finditer(text):
            findings.append(
                Finding(
                    chapter,
                    "a page number typed in the text (the PDF's pages may differ): refer to "
                    "the chapter or priority as [[its heading]] and the PDF prints its page",
                    _quote(text, *match.span()),
                )
            )
        for match in unresolved_references(text, targets):
            findings.append(
                Finding(
                    chapter,
                    "a reference names no chapter, priority or theme of the document",
                    _quote(text, *match.span()),
                )
            )
        if generated not in _DRAWS_CHARTS:
            for match in _FIGURE.finditer(text):
                findings.append(
                    Finding(
                        chapter,
                        "a figure is referred to but the chapter has none",
                        _quote(text, *match.span()),
                    )
                )
    findings += _empty_columns(snapshot)
    return findings


def findings_key(findings: Sequence[Finding]) -> str:
    """A short digest of the findings, so a confirmation is known to be of these ones."""
    text = "\n".join(f.message for f in findings)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
