"""A service's input dataclass between the form and the record, field by field of the
same name: a change form's initial values read from the record, the dataclass built
from the form's cleaned data, and the record's fields set from the dataclass. A new
field is named once in the form, the dataclass and the model, not at each step."""

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")


def initial_from(record: object, names: Iterable[str], **given: object) -> dict[str, object]:
    """A change form's initial values: each named attribute of the record, and
    ``given`` for the fields the form words otherwise (a year as "2023/24")."""
    return {name: getattr(record, name) for name in names} | given


def data_from(cls: type[D], cleaned: Mapping[str, Any], **given: Any) -> D:
    """The dataclass ``cls`` from a form's cleaned data: each of its fields from the
    form's field of the same name, text without the spaces around it; ``given`` for
    those the form names or shapes otherwise. A field the form lacks keeps its default."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name in given:
            values[field.name] = given[field.name]
        elif field.name in cleaned:
            value = cleaned[field.name]
            values[field.name] = value.strip() if isinstance(value, str) else value
    return cls(**values)


def fill_from(
    record: object, data: "DataclassInstance", *, skip: Iterable[str] = (), **given: object
) -> None:
    """Set each field of ``data`` on the record's attribute of the same name, but those
    in ``skip`` (many-to-many links, set once the record is saved); ``given`` for those
    the service works out otherwise."""
    for field in dataclasses.fields(data):
        if field.name not in skip:
            setattr(record, field.name, given.get(field.name, getattr(data, field.name)))
