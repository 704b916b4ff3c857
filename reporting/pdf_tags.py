"""The tag tree WeasyPrint writes, mended where it misleads a screen reader (PDF/UA-1).

- A table that crosses pages is written as one /Table a page (WeasyPrint issue 2903,
  open in 70.0): the fragments are merged into the first, with one THead, the rows of
  each row group in page order and one TFoot.
- The header (and footer) rows WeasyPrint repeats on each page are tagged as content, so
  a screen reader reads them again on every page: the repeats become artifacts.
- The page margin boxes (the running title, "Page 3 of 17") are tagged but left out of
  the tree (WeasyPrint issue 1836): their content becomes artifacts too.
- A decorative image (``alt=""``) is written as a /Figure with no /Alt: it becomes an
  artifact.
- A header cell gets its /Scope, which WeasyPrint does not write from ``<th scope>``.

Which /Table elements are fragments of one table, or which /Figure is decorative, cannot
be read from the PDF, so it is read from the laid-out document before the PDF is written
(``tag_layout``): the same HTML element on several pages. WeasyPrint creates the
structure elements in the order it walks the boxes, so the n-th /Table by object number
is the n-th table box, the n-th /Figure the n-th image.
"""

import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

# What WeasyPrint (pydyf) writes for content it tags: "/Span <</MCID 12>> BDC".
_TAGGED = re.compile(rb"/[^\s/<>\[\]()]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"
_SVG = "{http://www.w3.org/2000/svg}svg"
_FORM_PAINTED = re.compile(rb"/([^\s/<>\[\]()]+)\s+Do\b")

PageMarks = dict[tuple[int, int], set[int]]  # a page's object id -> the MCIDs on it


@dataclass(frozen=True)
class TableFragment:
    """One /Table WeasyPrint writes: which table of the document it is a piece of, and
    which caption or row group each of its children is (a row group crossing a page
    break is one group in two fragments)."""

    table: int
    parts: tuple[int, ...]


@dataclass
class TagLayout:
    """What WeasyPrint's /Table and /Figure elements are, read from the laid-out
    document, each list in the order WeasyPrint makes the elements."""

    tables: list[TableFragment] = field(default_factory=list)
    # Each /Figure: whether its image is decorative (alt="", or aria-hidden).
    decorative: list[bool] = field(default_factory=list)


def tag_layout(document: Any) -> TagLayout:
    """The tables and figures of a laid-out WeasyPrint document, page by page, as
    WeasyPrint's ``pdf/tags.py`` walks the boxes to make their elements: margin boxes are
    left out of the tree, a table wrapper holds the captions and the row groups."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    layout = TagLayout()
    keys: dict[int, int] = {}
    anonymous = itertools.count(-1, -1)

    def key(element: object) -> int:
        if element is None:  # an anonymous box: a piece of nothing else
            return next(anonymous)
        return keys.setdefault(id(element), len(keys))

    def walk(box: Any) -> None:
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return
        children = list(getattr(box, "children", ()))
        tag = box.element_tag if box.element is not None else None
        if tag == "table":
            table = box.get_wrapped_table() if getattr(box, "is_table_wrapper", False) else None
            if table is not None:
                children = [
                    part
                    for child in box.children
                    for part in (child.children if child is table else [child])
                ]
            layout.tables.append(
                TableFragment(key(box.element), tuple(key(child.element) for child in children))
            )
        elif tag in ("img", _SVG):
            attributes = box.element.attrib
            layout.decorative.append(
                attributes.get("aria-hidden") == "true"
                or (tag == "img" and attributes.get("alt") == "")
            )
        for child in children:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return layout


def mend_tag_tree(doc: Any, layout: TagLayout) -> bool:
    """Mend ``doc`` (an open pikepdf document) in place: its split tables merged,
    repeated table rows, page margins and decorative images as artifacts and header
    cells scoped (see the module's docstring); nothing of the content is removed.
    False when it has no tag tree to mend (it is left as it is)."""
    root = doc.Root.get("/StructTreeRoot")
    if root is None:
        return False
    tree = _TagTree(doc, root)
    tree.merge_tables(layout.tables)
    tree.hide_decorative(layout.decorative)
    tree.scope_headers()
    tree.mark_artifacts()
    return True


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    import pikepdf

    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: Any) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


class _TagTree:
    def __init__(self, doc: Any, root: Any) -> None:
        """One walk of the tree from its root: what it reaches, its tables and its header
        cells with the row group they are in."""
        self.doc = doc
        self.root = root
        self.reached: set[tuple[int, int]] = set()
        self.tables: list[Any] = []
        self.figures: list[Any] = []
        self.header_cells: list[tuple[Any, str]] = []
        stack = [(kid, "") for kid in reversed(_kids(root))]
        while stack:
            element, group = stack.pop()
            if not _is_element(element) or element.objgen in self.reached:
                continue
            self.reached.add(element.objgen)
            kind = str(element.S)
            if kind in ("/THead", "/TBody", "/TFoot"):
                group = kind
            elif kind == "/TH":
                self.header_cells.append((element, group))
            elif kind == "/Table":
                self.tables.append(element)
            elif kind == "/Figure":
                self.figures.append(element)
            stack.extend((kid, group) for kid in reversed(_kids(element)))
        self.artifacts: PageMarks = {}

    # --- one /Table per table ---------------------------------------------------------

    def merge_tables(self, fragments: Sequence[TableFragment]) -> None:
        tables = _in_layout_order(self.tables, fragments, "Split tables")
        if tables is None:
            return
        pieces: dict[int, list[tuple[Any, TableFragment]]] = {}
        for element, fragment in zip(tables, fragments, strict=True):
            kids = _kids(element)
            if len(kids) != len(fragment.parts) or not all(map(_is_element, kids)):
                logger.warning("Split tables left as written: a /Table is not as laid out")
                return
            pieces.setdefault(fragment.table, []).append((element, fragment))
        for table in pieces.values():
            if len(table) > 1:
                self._merge(table)

    def _merge(self, pieces: list[tuple[Any, TableFragment]]) -> None:
        first = pieces[0][0]
        kept: list[tuple[Any, int]] = []
        head: Any = None
        feet: list[Any] = []
        # A repeated header cell's /ID -> the /ID of the cell it repeats.
        header_ids: dict[str, str] = {}
        for element, fragment in pieces:
            for child, part in zip(_kids(element), fragment.parts, strict=True):
                kind = child.get("/S")
                if kind == "/THead" and head is None:
                    head = child
                    kept.append((child, part))
                elif kind == "/THead":
                    header_ids |= self._repeat(child, of=head)
                elif kind == "/TFoot":
                    feet.append(child)
                elif kept and kept[-1][1] == part and all(map(_is_element, _kids(child))):
                    self._adopt(kept[-1][0], _kids(child))  # the group goes on
                else:
                    kept.append((child, part))
        for foot in feet[:-1]:
            header_ids |= self._repeat(foot, of=feet[-1])
        children = [child for child, _ in kept] + feet[-1:]
        self._adopt(first, children, replace=True)
        for element, _ in pieces[1:]:
            self._detach(element)
        if header_ids:
            _rename_headers(first, header_ids)

    # --- decorative images ---------------------------------------------------------------

    def hide_decorative(self, decorative: Sequence[bool]) -> None:
        """An image with alt="" is decoration: an artifact, not a /Figure with no /Alt
        (WeasyPrint writes one and says the alt text is missing)."""
        figures = _in_layout_order(self.figures, decorative, "Decorative images")
        if figures is None:
            return
        for figure, hidden in zip(figures, decorative, strict=True):
            if hidden:
                self._mark(figure)
                self._detach(figure)

    def _adopt(self, parent: Any, kids: list[Any], *, replace: bool = False) -> None:
        import pikepdf

        parent.K = pikepdf.Array(kids if replace else [*_kids(parent), *kids])
        for kid in kids:
            kid.P = parent

    def _detach(self, element: Any) -> None:
        """Take an element out of its parent, and the parent if that empties it
        (WeasyPrint writes a section crossing pages as one element a page too)."""
        import pikepdf

        parent = element.get("/P")
        if parent is None or not _is_element(parent):
            return
        kids = [k for k in _kids(parent) if not (_is_element(k) and k.objgen == element.objgen)]
        parent.K = pikepdf.Array(kids)
        if not kids and parent.get("/S") != "/Document":
            self._detach(parent)

    def _repeat(self, repeated: Any, *, of: Any) -> dict[str, str]:
        """A header or footer WeasyPrint drew again on a later page: its content becomes
        an artifact; the /IDs of its cells -> those of the cells it repeats."""
        self._mark(repeated)
        ids = [str(cell.ID) for cell in _cells(repeated, "/TH") if "/ID" in cell]
        kept_ids = [str(cell.ID) for cell in _cells(of, "/TH") if "/ID" in cell]
        return dict(zip(ids, kept_ids, strict=True)) if len(ids) == len(kept_ids) else {}

    def _mark(self, element: Any) -> None:
        """The content of ``element`` becomes an artifact."""
        for page, mcid in _marked_content(element, element.get("/Pg")):
            self.artifacts.setdefault(page, set()).add(mcid)

    # --- header cells -------------------------------------------------------------------

    def scope_headers(self) -> None:
        """A header in the table head heads its column, one in the body its row (as
        every table of the project is written); PDF/UA-1 asks for /Scope (pdfua
        UA-15-003)."""
        import pikepdf

        for cell, group in self.header_cells:
            attributes = cell.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary):
                attributes = cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if "/Scope" not in attributes:
                body = group == "/TBody"
                attributes.Scope = pikepdf.Name.Row if body else pikepdf.Name.Column

    # --- artifacts ----------------------------------------------------------------------

    def mark_artifacts(self) -> None:
        """Repeated rows and the tagged content outside the tree (the margin boxes)
        become artifacts: their marked content in the page's content stream is
        re-marked /Artifact and their entries in the ParentTree are cleared."""
        import pikepdf

        parent_tree = self.root.get("/ParentTree")
        nums = parent_tree.get("/Nums") if parent_tree is not None else None
        if not isinstance(nums, pikepdf.Array):
            return
        by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
        for page in self.doc.pages:
            marks = by_key.get(int(page.obj.get("/StructParents", -1)))
            if not isinstance(marks, pikepdf.Array):
                continue
            outside = {
                mcid
                for mcid, element in enumerate(marks)
                if _is_element(element) and element.objgen not in self.reached
            }
            ours = self.artifacts.get(page.obj.objgen, set()) | outside
            if not ours:
                continue
            found = _mark_artifacts(page.obj, ours, set())
            if found != ours:
                logger.warning("Marked content %s not found on a page", sorted(ours - found))
            for mcid in found:
                marks[mcid] = None


def _in_layout_order(
    elements: list[Any], laid_out: Sequence[object], what: str
) -> list[Any] | None:
    """The elements in the order WeasyPrint made them (by object number), or None when
    they are not as many as the boxes laid out: then the tree is left as it is."""
    made = sorted(elements, key=lambda e: e.objgen)
    if len(made) != len(laid_out):
        logger.warning("%s left as written: %d elements, %d boxes", what, len(made), len(laid_out))
        return None
    return made


def _rename_headers(table: Any, renamed: dict[str, str]) -> None:
    """Data cells name the header cells kept, not the repeats that became artifacts."""
    import pikepdf

    for cell in _cells(table, "/TD"):
        attributes = cell.get("/A")
        headers = attributes.get("/Headers") if attributes is not None else None
        if isinstance(headers, pikepdf.Array):
            attributes.Headers = pikepdf.Array(
                pikepdf.String(renamed.get(str(h), str(h))) for h in headers
            )


def _cells(element: Any, kind: str) -> Iterator[Any]:
    stack = [element]
    while stack:
        item = stack.pop()
        if not _is_element(item):
            continue
        if item.get("/S") == kind:
            yield item
        stack.extend(reversed(_kids(item)))


def _marked_content(element: Any, page: Any) -> Iterator[tuple[tuple[int, int], int]]:
    """(page, MCID) of every piece of content under ``element``."""
    import pikepdf

    page = element.get("/Pg", page)
    for kid in _kids(element):
        if isinstance(kid, int) and page is not None:
            yield page.objgen, kid
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            yield kid.get("/Pg", page).objgen, int(kid.MCID)
        elif _is_element(kid):
            yield from _marked_content(kid, page)


def _mark_artifacts(holder: Any, mcids: set[int], seen: set[tuple[int, int]]) -> set[int]:
    """Re-mark ``mcids`` as artifacts in a page's content streams and in the forms it
    paints (WeasyPrint draws a group, e.g. for opacity, as a form); the MCIDs found."""
    import pikepdf

    contents = holder.get("/Contents") if "/Contents" in holder else holder
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    found: set[int] = set()
    painted: list[bytes] = []

    def artifact(match: re.Match[bytes]) -> bytes:
        mcid = int(match.group(1))
        if mcid not in mcids:
            return match.group(0)
        found.add(mcid)
        return _ARTIFACT

    for stream in streams:
        data = stream.read_bytes()
        mended = _TAGGED.sub(artifact, data)
        if mended != data:
            stream.write(mended)
        painted.extend(_FORM_PAINTED.findall(data))
    forms = holder.get("/Resources", {}).get("/XObject", {})
    for name in painted:
        form = forms.get("/" + name.decode("latin-1"))
        if found == mcids or form is None or form.objgen in seen:
            continue
        seen.add(form.objgen)
        if form.get("/Subtype") == "/Form":
            found |= _mark_artifacts(form, mcids - found, seen)
    return found
