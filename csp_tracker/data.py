"""A service's input as a dataclass whose fields are named as the model's fields.

Creating, updating and carrying an object into next year's plan all copy the same fields;
one loop here does it, and one more reads them from a form's cleaned data, so a new field
is added to the model, to its dataclass and to the form, and nowhere else.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from django.db.models import Model


@dataclass
class ModelData:
    """Fields named as the model's; those in ``many`` are many-to-many relations, set
    after the object is saved. A field the model lacks (a theme's ``note`` on a
    priority) is left out."""

    many: ClassVar[tuple[str, ...]] = ()

    def apply(self, instance: Model, *, exclude: tuple[str, ...] = ()) -> None:
        """Set the plain (not many-to-many) fields on ``instance``; save it after."""
        names = {f.name for f in instance._meta.concrete_fields}
        for f in fields(self):
            if f.name in names and f.name not in self.many and f.name not in exclude:
                setattr(instance, f.name, getattr(self, f.name))

    def set_many(self, instance: Model) -> None:
        """Set the many-to-many fields of a saved ``instance``."""
        for name in self.many:
            getattr(instance, name).set(getattr(self, name))

    @classmethod
    def of(cls, instance: Model, **changes: Any) -> Self:
        """The data of an existing object, with ``changes`` (a copy of it elsewhere)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in changes or not hasattr(instance, f.name):
                continue
            value = getattr(instance, f.name)
            values[f.name] = list(value.all()) if f.name in cls.many else value
        return cls(**values, **changes)

    @classmethod
    def from_form(cls, cleaned: Mapping[str, Any], **given: Any) -> Self:
        """The data a form's cleaned data gives: each field from the form's field of the
        same name, text without the spaces around it; ``given`` for those the form names
        or shapes otherwise. A field the form lacks keeps its default."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in given:
                values[f.name] = given[f.name]
            elif f.name in cleaned:
                value = cleaned[f.name]
                values[f.name] = value.strip() if isinstance(value, str) else value
        return cls(**values)
