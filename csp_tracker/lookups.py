"""The ``any`` lookup: a field's value is one of a list of values, asked as ``in`` asks it,
but on PostgreSQL sent as one array (``"id" = ANY(%s::bigint[])``) instead of a parameter
for each value (``"id" IN (%s, %s, …)``).

A query of "these keys" then has one SQL whatever the number of keys: PostgreSQL keeps
one prepared statement for it, and psycopg parses it once (psycopg keeps its parse only
of a query of at most 50 parameters: a page of 64 keys was parsed again on every request).
That is what ``csp_tracker.compiled`` needs of a list of keys that changes from page to
page. Elsewhere (SQLite, in development and tests) it is ``in`` itself.

Registered on every field (``register``). A foreign key has only its own lookups: ask its
target's, ``action__pk__any=keys`` (Django reads the key from the foreign key's column,
with no join).
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, IntegerField, UUIDField
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler
from psycopg.adapt import Dumper


class KeyArray(list[Any]):
    """Keys (integers, or UUIDs) sent to PostgreSQL as one array, dumped by
    ``KeyArrayDumper``."""


class AnyOf(In):
    """``in`` (no value, or only ``None``: nothing matches; a subquery stays ``IN``),
    with a list of values sent as one array on PostgreSQL, cast to the field's type as
    ``django.contrib.postgres``'s array lookups cast theirs."""

    lookup_name = "any"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Each value as the database takes it (In's own: None dropped, EmptyResultSet
        # for no value), then sent as one list: psycopg adapts a list to an array.
        _, values = self.process_rhs(compiler, connection)
        field = self.lhs.output_field
        array = KeyArray(values) if isinstance(field, IntegerField | UUIDField) else list(values)
        return f"{lhs} = ANY(%s::{field.cast_db_type(connection)}[])", (*lhs_params, array)


def sent_as_array(connection: BaseDatabaseWrapper) -> bool:
    """Whether ``any`` sends its values as one array on ``connection``'s database: on
    PostgreSQL (``AnyOf.as_postgresql``)."""
    return connection.vendor == "postgresql"


class KeyArrayDumper(Dumper):
    """A ``KeyArray`` as PostgreSQL's text of an array (``{1,2,3}``): integers and UUIDs
    need no quoting. Its type is left for the SQL to give (``::bigint[]``).

    psycopg's own list dumper dumps, checks for quoting and appends each key by a few
    Python calls: on a page of 40 keys, more than the parse the array saves."""

    def dump(self, obj: KeyArray) -> bytes:
        if obj and isinstance(obj[0], UUID):
            keys: Iterable[str] = [f"{key.int:032x}" for key in obj]
        else:
            # (int's own digits: a subclass's, psycopg's Int8, may say more.)
            keys = map(int.__repr__, obj)
        return ("{" + ",".join(keys) + "}").encode()


def register() -> None:
    """The ``any`` lookup on every field, and its keys' dumper on every psycopg connection
    made after (``psycopg.adapters``, which Django's connections start from)."""
    Field.register_lookup(AnyOf)
    psycopg.adapters.register_dumper(KeyArray, KeyArrayDumper)
