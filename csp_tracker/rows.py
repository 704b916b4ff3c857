"""A row of a long list rendered once, not once per row.

A template's row costs its variables, tags and includes each time (several hundred Python
calls: on the plan overview, two thirds of the page's time). Here the row's template is
rendered once per list with a marker standing for each of the row's values, and split at
the markers; each row is then the split parts joined with its values, escaped as the
template would have escaped them. The HTML is the template's own, as url_for_each's URLs
are reverse()'s.

So a row's template may use its values only as they are (``{{ value }}``): not in an
``{% if %}`` or through a filter, which would act on the marker; a filtered value (a
``linebreaksbr``) is given filtered, as safe text. A marker the rendering changed (an
``upper``) is an error, not a wrong page; one it left out is a value the row does not show.
"""

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from html import escape
from itertools import chain, cycle
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString

from csp_tracker.reversing import path_of

_NEWLINES = re.compile(r"\r\n|\r")


def escaped(value: object) -> str:
    """``value`` as a template writes ``{{ value }}`` (``conditional_escape``): safe text
    as it is, anything else escaped by ``html.escape`` (as Django's ``escape``), without
    the lazy-text wrapper and safe string each call of Django's makes (a row writes many
    small values)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


# Joins a page's texts for one escape: escaping leaves it as it is, and no text holds it
# (a text that did is escaped on its own: ``escaped_texts``).
_BETWEEN = "\0"


def escaped_texts(texts: Sequence[str]) -> list[str]:
    """Each of ``texts`` (plain text, never safe) as ``{{ text }}`` writes it, escaped by
    one ``html.escape`` of them all (which escapes character by character, so alike): a
    page's hundreds of values were six Python calls each (``escape`` and its five
    replaces), most of a long list's writing."""
    written = escape(_BETWEEN.join(texts)).split(_BETWEEN)
    if len(written) == len(texts):
        return written
    return [escape(text) for text in texts]


def escaped_lines(text: str) -> SafeString:
    """A row's value as ``{{ text|linebreaksbr }}`` writes it: escaped (by ``html.escape``,
    as Django's ``escape``), each line break a ``<br>``; without the filter's lazy-text
    wrappers (``mark_safe``'s among them), which cost more than the rest of a row."""
    return SafeString(escape(_NEWLINES.sub("\n", text)).replace("\n", "<br>"))


def escaped_lines_each(texts: Sequence[str]) -> list[str]:
    """Each of ``texts`` as ``escaped_lines`` writes it, all of them escaped and their line
    breaks written at once (as ``escaped_texts``): a list's leads were a dozen Python calls
    each."""
    joined = escape(_NEWLINES.sub("\n", _BETWEEN.join(texts))).replace("\n", "<br>")
    written = joined.split(_BETWEEN)
    if len(written) == len(texts):
        return written
    return [str(escaped_lines(text)) for text in texts]


# Letters and digits only, so escaping leaves it as it is; no page holds it otherwise.
_PREFIX = "rowvalue7305184629"
_MARKER = _PREFIX + "x{}x"


class RowTemplate:
    """``template`` rendered once with ``context`` and a marker for each of the row's
    values, ``names``; ``render`` then writes each row. Rendered without the request (its
    context processors run once, for the page): a row's ``{% csrf_token %}`` needs
    ``csrf_token`` (django.middleware.csrf.get_token) in ``context``."""

    def __init__(
        self,
        template: str,
        context: Mapping[str, Any],
        names: tuple[str, ...],
        *,
        loaded: Any = None,
    ) -> None:
        loaded = loaded or get_template(template)
        markers = {name: _MARKER.format(n) for n, name in enumerate(names)}
        # The row without the whitespace around it (its template's comment, the file's end).
        rendered = loaded.render({**context, **markers}).strip()
        self._parts: list[str] = []
        self._order: list[str] = []
        rest = rendered
        by_marker = {marker: name for name, marker in markers.items()}
        while True:
            found = [(rest.find(m), m) for m in by_marker if m in rest]
            if not found:
                break
            at, marker = min(found)
            self._parts.append(rest[:at])
            self._order.append(by_marker[marker])
            rest = rest[at + len(marker) :]
        self._parts.append(rest)
        # A value may be left out (by the context: a link only authors see), not changed.
        if any(_PREFIX in part.lower() for part in self._parts):
            raise ValueError(f"{template} does not show its row's values as they are")
        # The row as one format string: each value's place a field named for it, the row's
        # own braces doubled. Filling it is one call, where joining the parts in a loop was
        # two for each value (a heading's row has 13).
        if not all(name.isidentifier() for name in names):
            raise ValueError(f"{template}: a row's values are named as Python names")
        self._format = "".join(
            part.replace("{", "{{").replace("}", "}}") + (f"{{{name}}}" if name else "")
            for part, name in zip(self._parts, [*self._order, ""], strict=True)
        )
        # Where ``write_rows`` finds each marker's value among ``names``'.
        places = {name: n for n, name in enumerate(names)}
        self._places = [places[name] for name in self._order]
        self._in_order = self._places == list(range(len(names)))
        # The row as a format string of its values by their place among ``names`` (``each``).
        fields = [*(f"{{{place}}}" for place in self._places), ""]
        self._positional = "".join(
            part.replace("{", "{{").replace("}", "}}") + field
            for part, field in zip(self._parts, fields, strict=True)
        )

    def render(self, values: Mapping[str, object]) -> SafeString:
        """The row of ``values`` (text escaped, safe text as it is): ``escaped`` written
        inline, a call fewer for each value."""
        # SafeString itself: mark_safe's lazy-text wrapper costs a row more than its join.
        return SafeString(
            self._format.format_map(
                {
                    name: value.__html__() if hasattr(value, "__html__") else escape(str(value))
                    for name, value in values.items()
                }
            )
        )

    def each(self, rows: Iterable[Sequence[str]]) -> list[SafeString]:
        """Each of ``rows`` (values written already, in the order of ``names``, as
        ``write_rows`` takes them) as a row of its own, one call each: for a template that
        loops over its rows itself (``{% for row in rows %}{{ row }}{% endfor %}``), so that
        the whitespace between them stays the template's."""
        return [SafeString(self._positional.format(*row)) for row in rows]

    def write_rows(self, rows: Iterable[Sequence[str]], *, between: str = "") -> str:
        """Rows of values written already (each row's in the order of ``names``; text
        escaped by ``escaped_texts``, a page's at once), ``between`` each two: the rows'
        parts and values joined in one go (a ``str.format`` of each row, parsing the row
        again for each, took twice as long as the f-string this replaced)."""
        rows = list(rows) if self._in_order else [[row[n] for n in self._places] for row in rows]
        first, last = self._parts[0], self._parts[-1]
        if not rows or not self._order:  # no rows, or rows of no values
            return between.join([first] * len(rows))
        # After each value its part; after a row's last, the next row's first part.
        after = [*self._parts[1:-1], last + between + first]
        written = "".join(chain.from_iterable(zip(chain.from_iterable(rows), cycle(after))))
        return first + written[: len(written) - len(between) - len(first)]


# Kept by the template as loaded (a template changed and loaded again is rendered again),
# its context and its values' names; the oldest dropped past a bound, not kept growing.
_kept: dict[tuple[object, tuple[tuple[str, Hashable], ...], tuple[str, ...]], RowTemplate] = {}
_KEPT_AT_MOST = 256


def row_template(
    template: str, context: Mapping[str, Hashable], names: tuple[str, ...]
) -> RowTemplate:
    """A RowTemplate rendered once per process for ``template``, ``context`` and ``names``
    rather than once per page: so whatever changes from one page to the next (a csrf
    token) must be one of the row's values, not in ``context``."""
    return _kept_row(template, get_template(template), context, names)


def row_templates(
    template: str, names: tuple[str, ...]
) -> Callable[[Mapping[str, Hashable]], RowTemplate]:
    """``row_template`` of ``template`` and ``names`` for any context, the template looked
    up once (for a list with several kinds of row, each its own context): looking it up
    cost more than the rest of a kept row's finding."""
    loaded = get_template(template)
    return lambda context: _kept_row(template, loaded, context, names)


def _kept_row(
    template: str, loaded: Any, context: Mapping[str, Hashable], names: tuple[str, ...]
) -> RowTemplate:
    key = (getattr(loaded, "template", loaded), tuple(sorted(context.items())), names)
    row = _kept.get(key)
    if row is None:
        if len(_kept) >= _KEPT_AT_MOST:
            # The oldest kept dropped, not all: a page of many shapes (an action's page
            # has one for each mix of what it shows) must not empty every list's rows.
            del _kept[next(iter(_kept))]
        row = _kept[key] = RowTemplate(template, context, names, loaded=loaded)
    return row


def list_breadcrumbs(viewname: str, text: str, here: str) -> SafeString:
    """includes/breadcrumbs.html (without the whitespace around it) for a page under a
    list: a link to the list (``viewname``'s path, named ``text``), then the page,
    ``here`` (none when empty, as the template's ``if here``); its template rendered once
    per process and filled in, rather than included."""
    values = {"url": path_of(viewname), "text": text, "here": here}
    if here:
        return row_template(_BREADCRUMBS, {}, ("url", "text", "here")).render(values)
    return row_template(_BREADCRUMBS, {"here": ""}, ("url", "text")).render(values)


_BREADCRUMBS = "includes/breadcrumbs.html"
