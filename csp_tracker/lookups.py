"""The ``any`` lookup: a field's value is one of a list of values, asked as ``in`` asks it,
but on PostgreSQL, for more than ``ARRAY_AFTER`` values, sent as one array
(``"id" = ANY(%s::bigint[])``) instead of a parameter for each (``"id" IN (%s, %s, …)``).

A query of many keys then has one SQL whatever their number: PostgreSQL keeps one
prepared statement for it, and psycopg parses it once (psycopg keeps its parse only of a
query of at most 50 parameters: a page of 64 keys was parsed again on every request).
A few keys stay ``IN``: PostgreSQL makes an array's generic plan as if for ten values, so
for one to a few keys it found each run's own plan cheaper and planned every run (a
third of a millisecond for an action's status); ``IN`` has a plan for its number of keys.
A subquery's keys are asked on PostgreSQL as the array it makes
(``"id" = ANY(ARRAY(SELECT …))``): worked out once, before the query, and looked up by the
column's index, where ``IN (SELECT …)`` may be planned as a hash join over the whole table
(every lead of every action, to find the leads of one plan's few actions).
Elsewhere (SQLite, in development and tests) it is ``in`` itself.

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


# The most values ``any`` asks as ``in`` on PostgreSQL: a query of them stays within the
# parameters whose parse psycopg keeps (50).
ARRAY_AFTER = 32


class AnyOf(In):
    """``in`` (no value, or only ``None``: nothing matches), with many values
    (``sent_as_array``) sent as one array, cast to the field's type as
    ``django.contrib.postgres``'s array lookups cast theirs, and a subquery's values as
    the array it makes (``ARRAY(SELECT …)``)."""

    lookup_name = "any"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():
            lhs, lhs_params = self.process_lhs(compiler, connection)
            subquery, params = self.process_rhs(compiler, connection)  # "(SELECT …)"
            return f"{lhs} = ANY(ARRAY{subquery})", (*lhs_params, *params)
        if not sent_as_array(connection, len(self.rhs)):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Each value as the database takes it (In's own: None dropped, EmptyResultSet
        # for no value), then sent as one list: psycopg adapts a list to an array.
        _, values = self.process_rhs(compiler, connection)
        field = self.lhs.output_field
        array = KeyArray(values) if isinstance(field, IntegerField | UUIDField) else list(values)
        return f"{lhs} = ANY(%s::{field.cast_db_type(connection)}[])", (*lhs_params, array)


def sent_as_array(connection: BaseDatabaseWrapper, count: int) -> bool:
    """Whether ``any`` sends ``count`` values as one array on ``connection``'s database:
    more than ``ARRAY_AFTER``, on PostgreSQL (``AnyOf.as_postgresql``)."""
    return count > ARRAY_AFTER and connection.vendor == "postgresql"


class KeyArrayDumper(Dumper):
    """A ``KeyArray`` as PostgreSQL's text of an array (``{1,2,3}``): integers and UUIDs
    need no quoting. Its type is left for the SQL to give (``::bigint[]``).

    psycopg's own list dumper dumps, checks for quoting and appends each key by a few
    Python calls: for a page of 64 keys, a third of the parse the array saves."""

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
