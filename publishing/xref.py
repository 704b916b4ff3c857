"""Cross-references in section text that stay true: an author writes ``[[County
Priorities]]`` (or ``[[Priority 2]]``, ``[[Appendix E]]``, or ``[[Leads|the leads'
table]]`` for other words) and the document prints a link to that chapter, priority or
theme with the page it is on, which WeasyPrint fills in with ``target-counter`` when the
pages are laid out (publication.css, ``a.xref``). A typed "page 22" goes wrong as soon as
a chapter grows; this cannot.

A reference names a chapter by its heading (with or without its number: "6. County
Priorities" or "County Priorities"; an appendix by its letter: "Appendix E"), a priority
or theme by its title or its label ("Priority 2", "Cross-cutting theme 1"). One that
names nothing prints its words as they are, and the editor's check lists it.
"""

import html
import re
from collections.abc import Iterator

from django.utils.safestring import SafeString, mark_safe

from publishing.snapshot import DocumentSnapshot

# [[target]] or [[target|words]], as section text prints it after Markdown (the brackets
# are not a Markdown link, so they come through as written).
REFERENCE = re.compile(r"\[\[([^\[\]|<>\n]{1,200})(?:\|([^\[\]<>\n]{1,200}))?\]\]")
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*\.?|appendix [a-z]\s*[:.–-])\s+")
_APPENDIX = re.compile(r"^(appendix [a-z])\b")
_LABEL = re.compile(r"^((?:priority|cross-cutting theme) \d+)\s*:")


def _key(text: str) -> str:
    return " ".join(html.unescape(text).casefold().replace("’", "'").split())


def _names(title: str) -> Iterator[str]:
    """The ways an author may name a heading: whole, without its number, by its
    appendix letter or its priority label."""
    key = _key(title)
    yield key
    yield _NUMBERED.sub("", key)
    for pattern in (_APPENDIX, _LABEL):
        found = pattern.match(key)
        if found:
            yield found.group(1)
            yield key[found.end() :].strip()


def document_targets(doc: DocumentSnapshot) -> dict[str, str]:
    """Every name a reference may use, and the id of what it names. A chapter wins over
    a priority of the same name, the first chapter over a later one."""
    targets: dict[str, str] = {}
    headings: list[tuple[str, str]] = [
        *((s["id"], s["title"]) for s in doc["sections"]),
        *((c["id"], c["title"]) for c in doc["appended"]),
        *((f"priority-{p['number']}", p["label"]) for p in doc["priorities"]),
        *((f"theme-{t['number']}", t["label"]) for t in doc["themes"]),
    ]
    for target, title in headings:
        for name in _names(title):
            if name:
                targets.setdefault(name, target)
    return targets


def link_references(body_html: str, targets: dict[str, str]) -> SafeString:
    """The section's (sanitised) HTML with each reference a link to its target; the
    page number is printed by the stylesheet."""

    def link(found: re.Match[str]) -> str:
        name, words = found.group(1), found.group(2) or found.group(1)
        target = targets.get(_key(name)) or targets.get(_NUMBERED.sub("", _key(name)))
        if target is None:
            return words.strip()
        return f'<a class="xref" href="#{target}">{words.strip()}</a>'

    return mark_safe(REFERENCE.sub(link, body_html))  # the words were already escaped


def unresolved_references(text: str, targets: dict[str, str]) -> Iterator[re.Match[str]]:
    """The references in an author's text that name no chapter, priority or theme."""
    for found in REFERENCE.finditer(text):
        name = _key(found.group(1))
        if name not in targets and _NUMBERED.sub("", name) not in targets:
            yield found
