"""The "Move up" and "Move down" buttons of every ordered list (sections, priorities and
themes, headings, actions), and the numbering 1, 2, 3… they leave behind."""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


class Ordered(Protocol):
    order: int

    def save(self, *, update_fields: list[str]) -> None: ...


def swap_with_neighbour(items: list[M], item: M, *, up: bool) -> M | None:
    """Swap ``item`` in ``items`` with the one above it (``up``) or below it, and return
    that neighbour; at an end of the list nothing moves and it is None."""
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return items[index]


def renumber(items: Sequence[Ordered]) -> None:
    """Save ``order`` 1, 2, 3… in the list's order, only where it changes."""
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
