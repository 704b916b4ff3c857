"""A hot read query compiled by Django once per shape, then run with other values.

Building and compiling a query whose filters hold subqueries (the sign-off rule is three)
costs Django a millisecond or more every time, for the same SQL: on the officers' pages
it was a fifth of a request (issue 15). Here the SQL is the ORM's own: the query is built
once with marker values where the values that change go (the keys of a page's rows, say),
compiled, and the markers' places in its parameters noted; later calls run that SQL with
their values in those places, and read the rows as the ORM would, through the same
compiler's converters into the same objects, with what reads them also worked out once.
The rule stays written once, in the ORM; nothing here knows what the query says.

A query whose markers cannot all be found among its compiled parameters (a value the ORM
rewrote past recognising) is never kept: it is built by the ORM every time instead. So a
value that changes must be used as it is (``=``, ``__in``, ``__lt``…), not through a
lookup that computes other values from it (``__year``, ``__contains``): those would be
kept as they were computed from the marker. What such a lookup needs goes in the shape.

A list among the values is a list of keys, asked by the ``any`` lookup (``pk__any``,
``csp_tracker.lookups``). Many keys on PostgreSQL are one parameter, an array: one SQL,
and one prepared statement, for every number of them. Otherwise each key is a parameter
of ``IN``, the keys padded to a few numbers (``padded``): a shape for each number.
"""

from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar, cast
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Model, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.mixins import FieldCacheMixin
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
)
from django.db.models.query import RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

from csp_tracker.lookups import sent_as_array

M = TypeVar("M", bound=Model)
T = TypeVar("T")

# Where a compiled parameter comes from: a marker's index and how the database takes the
# value (as it is; as hex text, a UUID on SQLite; wrapped as a big integer, a key of a
# BigIntegerField on PostgreSQL; for a list of keys sent as an array, each key so), or None
# and the parameter itself.
_Slot = tuple[int | None, Callable[[Any], object] | None, object]


def _as_hex(value: UUID) -> str:
    return value.hex


# What makes a shape's rows into its results, made once per shape from its compiler.
_Reader = Callable[[list[Sequence[Any]]], list[Any]]


class _Compiled:
    """A shape's SQL, where its values go, and its reader: all worked out once, when it
    is compiled, so that a run only executes the SQL and reads the rows."""

    __slots__ = ("compiler", "cursor", "read", "slots", "sql")

    def __init__(self, sql: str, slots: list[_Slot], compiler: SQLCompiler) -> None:
        self.sql = sql
        self.slots = slots
        self.compiler = compiler
        # The rows as they are, until the caller that keeps it says how they are read.
        self.read: _Reader = list
        # The cursor it last ran on (``_kept_cursor``).
        self.cursor: _KeptCursor | None = None


class _KeptCursor(NamedTuple):
    """A cursor of Django's connection, kept by a shape to run again, and what it was
    made for."""

    wrapper: CursorWrapper
    # The database connection it belongs to, and the time zone its timestamps are read in.
    raw: Any
    timezone: Any


def _fetch(connection: Any, compiled: _Compiled, params: list[Any]) -> list[Any]:
    """The rows of the shape's SQL run with ``params``, on a cursor of the connection.

    Making a cursor is a sixth of what a run costs in Python, and a new one works out again
    how to read each column (the database cursor keeps that while it runs one SQL): so
    a shape keeps the cursor Django's ``connection.cursor()`` made it, and runs on it again
    while it is good for what a new one would be made for: the same database connection
    (Django has not closed it since; it has made its health check of the request), the
    same time zone, no queries being logged (a test capturing them, DEBUG: then each run
    has a cursor of its own, as the ORM's queries do). Each query still runs through
    Django's cursor (``execute``: the connection's execute wrappers, its transaction's
    checks, its errors). A kept cursor holds its last rows until it runs again."""
    kept = compiled.cursor
    if (
        kept is not None
        and kept.raw is connection.connection
        and kept.timezone is connection.timezone
        and (connection.health_check_done or not connection.health_check_enabled)
        and not connection.queries_logged
    ):
        connection.validate_thread_sharing()
        cursor = kept.wrapper
        cursor.execute(compiled.sql, params)
        with connection.wrap_database_errors:
            rows: list[Any] = cursor.cursor.fetchall()
            return rows
    compiled.cursor = None
    if connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
            return rows
    cursor = connection.cursor()
    cursor.execute(compiled.sql, params)
    rows = cursor.fetchall()
    compiled.cursor = _KeptCursor(cursor, connection.connection, connection.timezone)
    return rows


# By shape, what it holds of its lists of keys (``_run``) and connection (each thread
# has its own, and the compiler keeps it): a few dozen shapes a process, and a few more
# each day for a shape that holds the day; emptied past a bound rather than kept growing
# in a process that lives for months.
_compiled: dict[tuple[Hashable, tuple[int | None, ...], int], _Compiled | None] = {}
_KEPT_AT_MOST = 1000


def padded(keys: Sequence[T]) -> list[T]:
    """``keys`` (not empty) with the last repeated up to a power of two in number: a query
    of "these keys" then has a few shapes, not one for every number of keys (a key asked
    twice in ``IN`` is found once)."""
    size = 1 << (len(keys) - 1).bit_length()
    return [*keys, *[keys[-1]] * (size - len(keys))]


def markers_like(values: Sequence[Any]) -> Sequence[Any]:
    """A marker for each value: UUIDs for UUIDs, otherwise integers far above any key;
    for a list of keys (of the ``any`` lookup), a list of as many, none equal to
    another's."""
    if list not in map(type, values):
        return _markers(bool(values) and isinstance(values[0], UUID), len(values))
    return _list_markers(
        tuple(
            [
                (True, _first_is_uuid(value), len(value))
                if type(value) is list
                else (False, isinstance(value, UUID), 1)
                for value in values
            ]
        )
    )


def _first_is_uuid(keys: list[Any]) -> bool:
    return bool(keys) and isinstance(keys[0], UUID)


@lru_cache(maxsize=256)
def _markers(uuids: bool, count: int, first: int = 0) -> tuple[Any, ...]:
    # The same for every call of a shape, and only read when it is compiled: made once.
    if uuids:
        return tuple(UUID(int=n + 1) for n in range(first, first + count))
    return tuple(10**12 + n for n in range(first, first + count))


@lru_cache(maxsize=256)
def _list_markers(kinds: tuple[tuple[bool, bool, int], ...]) -> tuple[Any, ...]:
    # (Whether a list, whether of UUIDs, how many) of each value.
    markers: list[Any] = []
    first = 0
    for is_list, uuids, count in kinds:
        made = _markers(uuids, count, first)
        markers.append(list(made) if is_list else made[0])
        first += count
    return tuple(markers)


def _slot(param: object, markers: Sequence[object]) -> _Slot:
    if isinstance(param, list):
        return _array_slot(param, markers)
    for index, marker in enumerate(markers):
        if type(param) is type(marker) and param == marker:
            return index, None, None
        if isinstance(marker, UUID) and param == marker.hex:
            return index, _as_hex, None
        if type(marker) is int and isinstance(param, int) and int(param) == marker:
            # An integer subclass the backend wraps the value in (psycopg's Int8).
            return index, type(param), None
    return None, None, param


def _array_slot(param: list[Any], markers: Sequence[object]) -> _Slot:
    """Where an array (a list of keys sent as one parameter) comes from: the list of
    markers it holds, each in its place."""
    for index, marker in enumerate(markers):
        if type(marker) is list and len(marker) == len(param):
            slots = [_slot(key, marker) for key in param]
            if [place for place, _, _ in slots] == list(range(len(marker))):
                return index, _each_taken(type(param), slots[0][1]), None
    return None, None, param


def _each_taken(
    wrap: type[list[Any]], taken: Callable[[Any], object] | None
) -> Callable[[list[Any]], list[Any]]:
    """How a list of keys is taken: in the list the backend wraps them in (``KeyArray``),
    each key as its marker is."""
    if taken is None:
        return wrap
    return lambda keys: wrap(map(taken, keys))


def _compile(queryset: QuerySet[Any], markers: Sequence[object]) -> _Compiled | None:
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        # Nothing to ask whatever the values (an empty list of keys): the ORM answers it
        # without the database.
        return None
    slots = [_slot(param, markers) for param in params]
    found = {index for index, _, _ in slots if index is not None}
    if found != set(range(len(markers))):
        return None
    return _Compiled(sql, slots, compiler)


# What a shape holds of a list of keys sent as one array: not their number.
_ARRAY = -1


def _as_asked(
    values: Sequence[Any], connection: BaseDatabaseWrapper
) -> tuple[list[Any], tuple[int | None, ...]]:
    """The values with each list of keys as the ``any`` lookup asks it: many keys on
    PostgreSQL as one array (``sent_as_array``), or each key a parameter, padded to a few
    numbers of keys (``padded``); and what the shape holds of each value (``_ARRAY``, the
    number of keys of a list, or ``None``)."""
    asked: list[Any] = []
    held: list[int | None] = []
    for value in values:
        if type(value) is not list:
            held.append(None)
        elif sent_as_array(connection, len(value)):
            held.append(_ARRAY)
        else:
            value = padded(value) if value else value
            held.append(len(value))
        asked.append(value)
    return asked, tuple(held)


def _flat(values: Sequence[Any], held: tuple[int | None, ...]) -> list[Any]:
    """The values with the keys of each list asked by ``IN`` in its place, each a
    parameter (``_as_asked``'s)."""
    flat: list[Any] = []
    for value, kind in zip(values, held, strict=True):
        if kind is None or kind == _ARRAY:
            flat.append(value)
        else:
            flat.extend(value)
    return flat


def _run(
    shape: Hashable,
    build: Callable[[Sequence[Any]], QuerySet[Any]],
    values: Sequence[Any],
    markers: Sequence[Any] | None,
    using: str,
    reader: Callable[[SQLCompiler], _Reader],
) -> list[Any]:
    """The results of the kept compilation of ``shape`` run with ``values``, read by the
    reader ``reader`` made of its compiler, or, for a shape that cannot be kept, the ORM's
    own of ``build(values)``."""
    connection = connections[using]
    asked: Sequence[Any] = values
    held: tuple[int | None, ...] = ()
    if list in map(type, values):
        asked, held = _as_asked(values, connection)
    key = (shape, held, id(connection))
    if key not in _compiled:
        if len(_compiled) >= _KEPT_AT_MOST:
            _compiled.clear()
        if held or markers is None:
            marked = markers_like(asked)
            found = _compile(build(marked), _flat(marked, held) if held else marked)
        else:
            found = _compile(build(markers), markers)
        if found is not None:
            found.read = reader(found.compiler)
        _compiled[key] = found
    compiled = _compiled[key]
    if compiled is None:
        return list(build(values))
    if held:
        asked = _flat(asked, held)
    params: list[Any] = [
        fixed if index is None else (asked[index] if taken is None else taken(asked[index]))
        for index, taken, fixed in compiled.slots
    ]
    return compiled.read(_fetch(connection, compiled, params))


def _converting(compiler: SQLCompiler) -> _Reader:
    """What ``compiler.results_iter`` does to rows, its converters (a date from SQLite's
    text, a Decimal, JSON, an aware datetime) found once rather than on every run: each
    row with a converter made a list, and its values converted, as
    ``compiler.apply_converters`` does (in a loop of its own, rather than a generator
    resumed for each row)."""
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        # Rare (a composite primary key): read by Django's own iterator each time.
        return lambda rows: list(compiler.results_iter(results=[rows]))
    converters = [
        (position, functions, expression)
        for position, (functions, expression) in compiler.get_converters(fields).items()
    ]
    if not converters:
        return list
    connection = compiler.connection

    def convert(rows: list[Sequence[Any]]) -> list[Any]:
        converted = []
        for row in rows:
            values = list(row)
            for position, functions, expression in converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            converted.append(values)
        return converted

    return convert


def _tuples(compiler: SQLCompiler) -> _Reader:
    converted = _converting(compiler)
    return lambda rows: list(map(tuple, converted(rows)))


# What a field's value is set through when ``Model.__init__`` makes an instance, where that
# only stores the value in the instance (a foreign key's also forgets its cached object,
# which a new instance has none of; an ``ImageField``'s does more, so it is not here).
_STORING = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


class _Made(NamedTuple):
    """How an object of a row is made: by ``model.from_db(using, attnames, values)``, or
    where that only stores the values (``stores_only``), by storing them.

    ``Model.__init__`` is most of what reading an object costs in Python (two signals
    sent, each value set through its field's descriptor, a foreign key's asking whether
    it holds a cached object): about a twentieth of the action's page. For a model that
    does not make its instances itself (no ``__init__``, ``__new__`` or ``from_db`` of
    its own) and whose fields' descriptors only store a value set on a new instance, all
    that comes to is the values and the instance's state stored in it; ``_objects`` does
    that directly, while no receiver listens for ``pre_init`` or ``post_init`` (none does
    in this project; Django's own is an ``ImageField``'s with dimension fields). Any other
    model, or any model while a receiver listens, is made by its ``from_db``."""

    model: type[Model]
    attnames: list[str]
    # (Django 5.2's signature; the stubs follow a later Django's.)
    from_db: Any
    stores_only: bool


def _made(model: type[Model], attnames: list[str]) -> _Made:
    from_db: Any = model.from_db
    stores_only = (
        getattr(from_db, "__func__", None) is cast(Any, Model.from_db).__func__
        and model.__init__ is Model.__init__
        and model.__new__ is object.__new__
        and all(type(getattr(model, attname, None)) in _STORING for attname in attnames)
    )
    return _Made(model, attnames, from_db, stores_only)


# A setter of Django's that does nothing (a foreign key's ``remote_setter`` where the
# related object cannot know its one object: the key is not unique).
_NOTHING = (lambda obj, from_obj: None).__code__

# What a setter of Django's does: a relation's ``set_cached_value`` stores in the
# instance's cache of related objects under a name (the first); any other is called (the
# second); one that does nothing is neither.
_Setter = tuple[str | None, Callable[[Any, Any], None] | None]


def _setter(setter: Callable[[Any, Any], None]) -> _Setter:
    if getattr(setter, "__func__", None) is FieldCacheMixin.set_cached_value:
        return cast(str, cast(Any, setter).__self__.cache_name), None
    code = getattr(setter, "__code__", None)
    if code is not None and (code.co_code, code.co_consts) == (
        _NOTHING.co_code,
        _NOTHING.co_consts,
    ):
        return None, None
    return None, setter


class _Related(NamedTuple):
    """A ``select_related`` object of each row, or ``None`` where the row has none,
    linked both ways to the object it is read for, as Django's ``RelatedPopulator``
    reads it; the populators' tree laid flat, each object after the one it is read for:
    ``parent`` is that one's place among the row's objects (0: the row's own)."""

    parent: int
    start: int
    end: int
    reorder: Callable[[Sequence[Any]], Sequence[Any]] | None
    pk_index: int
    made: _Made
    # Where the object it is read for keeps it (``_setter``), and where it keeps that one.
    local: _Setter
    remote: _Setter
    # Whether other objects are read for it (its cache of related objects is then made
    # with it, rather than on first use).
    has_related: bool


def _related(klass_info: dict[str, Any], select: list[Any], db: str | None) -> list[_Related]:
    """The ``select_related`` objects of a row, in the order Django's populators read
    them (each before those read for it)."""
    found: list[_Related] = []

    def add(infos: list[dict[str, Any]], parent: int) -> None:
        for info in infos:
            # Django's own reading of its columns (their places, their order, the key's).
            populator = cast(Any, RelatedPopulator)(info, select, db)
            children = info.get("related_klass_infos", [])
            found.append(
                _Related(
                    parent,
                    getattr(populator, "cols_start", 0),
                    getattr(populator, "cols_end", 0),
                    populator.reorder_for_init,
                    populator.pk_idx,
                    _made(populator.model_cls, populator.init_list),
                    _setter(populator.local_setter),
                    _setter(populator.remote_setter),
                    bool(children),
                )
            )
            add(children, len(found))

    add(klass_info.get("related_klass_infos", []), 0)
    return found


def _objects(compiler: SQLCompiler) -> _Reader:
    """Each row made into its object, its ``select_related`` objects and its annotations,
    as Django's own ``ModelIterable`` makes them from the same compiler; what does so
    (the columns of each object, how it is made, where the related ones go) worked out
    once. Each object is made in the loop itself (``_Made``): a function called for each
    would be a tenth of what reading a row costs."""
    converted = _converting(compiler)
    using = compiler.using
    select, klass_info = compiler.select, compiler.klass_info
    assert klass_info is not None
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    made = _made(klass_info["model"], [column[0].target.attname for column in select[first:last]])
    related = _related(klass_info, select, using)
    annotations = list((compiler.annotation_col_map or {}).items())
    new = object.__new__
    unread = [None] * len(related)

    def read(rows: list[Sequence[Any]]) -> list[Any]:
        stored_only = not (pre_init.receivers or post_init.receivers)
        model, attnames, from_db, stores_only = made
        objects = []
        for row in converted(rows):
            values = row[first:last]
            if stores_only and stored_only:
                obj = new(model)
                state = ModelState()
                state.adding = False
                state.db = using
                if related:
                    state.fields_cache = {}
                stored = obj.__dict__
                stored["_state"] = state
                stored.update(zip(attnames, values, strict=True))
            else:
                obj = from_db(using, attnames, values)
            if related:
                # The row's objects: its own, then each related one read (``None`` where
                # the row has none, or has none of the object it is read for).
                read_for = [obj, *unread]
                for place, one in enumerate(related, 1):
                    parent = read_for[one.parent]
                    if parent is None:
                        continue
                    values = one.reorder(row) if one.reorder else row[one.start : one.end]
                    if values[one.pk_index] is None:
                        linked = None
                    elif one.made.stores_only and stored_only:
                        linked = new(one.made.model)
                        state = ModelState()
                        state.adding = False
                        state.db = using
                        if one.has_related:
                            state.fields_cache = {}
                        stored = linked.__dict__
                        stored["_state"] = state
                        stored.update(zip(one.made.attnames, values, strict=True))
                    else:
                        linked = one.made.from_db(using, one.made.attnames, values)
                    (local, set_local), (remote, set_remote) = one.local, one.remote
                    if local is not None:
                        parent._state.fields_cache[local] = linked
                    elif set_local is not None:
                        set_local(parent, linked)
                    if linked is not None:
                        if remote is not None:
                            linked._state.fields_cache[remote] = parent
                        elif set_remote is not None:
                            set_remote(linked, parent)
                        read_for[place] = linked
            for name, position in annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    return read


def compiled_rows(
    shape: Hashable,
    build: Callable[[Sequence[Any]], QuerySet[Any]],
    values: Sequence[Any],
    markers: Sequence[Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[tuple[Any, ...]]:
    """The rows of ``build(values)``, a ``values_list`` query on the ``using`` database,
    as tuples. ``shape`` names everything of the query that ``values`` do not (each shape
    is compiled once; a list of keys among the values is of it only as the module says):
    ``build`` is called once per shape with ``markers`` (values of the same types and
    number as ``values``, none equal to another or to any value the query holds itself:
    ``markers_like``'s, the default, and those of values holding lists of keys), and
    afterwards only for a shape that could not be kept."""
    return _run(shape, build, values, markers, using, _tuples)


def compiled_objects(
    shape: Hashable,
    build: Callable[[Sequence[Any]], QuerySet[M]],
    values: Sequence[Any],
    markers: Sequence[Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[M]:
    """``compiled_rows`` for a query of model objects (not one with ``prefetch_related``:
    its other queries are not run)."""
    return _run(shape, build, values, markers, using, _objects)


def compiled_prefetch(
    instances: Sequence[Model],
    name: str,
    queryset: QuerySet[Any] | None = None,
    *,
    shape: Hashable,
    to_attr: str | None = None,
    read_for: Sequence[Model] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """``prefetch_related_objects(instances, Prefetch(name, queryset, to_attr))`` for one
    many-to-many or reverse foreign key relation ``name`` of one model's instances, with
    the prefetch's query compiled once per ``shape`` (a reverse foreign key's asks the
    instances' keys as one list, ``any``; a many-to-many's is Django's own, with a key
    each, once per number of instances rounded up: ``padded``). ``shape`` names the query
    among this relation's (its caller, say) and whatever ``queryset`` holds that can
    change (a day): two querysets of one relation under one shape would share the first
    one's SQL.

    The query is the one Django's prefetch makes: ``queryset`` (or the related model's
    default) filtered to the instances through the relation; and its results go where
    Django's put them: each instance's prefetch cache, read by ``.all()`` (or the list
    ``to_attr``), and, for a reverse foreign key, each related object's own link back to
    its instance. ``queryset`` may hold ``select_related`` but not ``prefetch_related``.

    ``read_for``: the instances, among ``instances``, whose related objects are read (those
    known to have any, by an EXISTS column read with them, say); the others are given none,
    without a query, and with none to read there is no query at all."""
    if not instances:
        return
    model = type(instances[0])
    if (model, name) not in _relations:
        _relations[model, name] = _relation(instances[0], name)
    relation = _relations[model, name]
    back = relation.back
    pks = [instance.pk for instance in instances]
    asked = pks if read_for is None else [instance.pk for instance in read_for]
    # (A reverse foreign key's keys as one list of keys, ``any``.)
    keys = [asked] if back is not None else padded(asked) if asked else []

    def build(values: Sequence[Any]) -> QuerySet[Any]:
        if back is not None:
            base = queryset if queryset is not None else back.model._default_manager.all()
            return base.filter(**{f"{back.name}__pk__any": values[0]})
        # Django's own prefetch query for instances holding these keys.
        stand_ins = [model(**{relation.key_attname: value}) for value in values]
        manager = getattr(stand_ins[0], name)
        base = queryset if queryset is not None else manager.model._default_manager.all()
        return cast("QuerySet[Any]", manager.get_prefetch_querysets(stand_ins, [base.all()])[0])

    found = (
        compiled_objects(("prefetch", model, name, shape, len(keys)), build, keys, using=using)
        if asked
        else []
    )
    by_parent: dict[Any, list[Any]] = {pk: [] for pk in pks}
    parents = dict(zip(pks, instances, strict=True))
    for obj in found:
        parent_key = getattr(obj, relation.parent_key_attr)
        by_parent[parent_key].append(obj)
        if back is not None:
            back.set_cached_value(obj, parents[parent_key])
    for instance, pk in zip(instances, pks, strict=True):
        values = by_parent[pk]
        if to_attr is not None:
            setattr(instance, to_attr, values)
            continue
        manager = getattr(instance, name)
        cached = (
            manager._apply_rel_filters(queryset) if queryset is not None else manager.get_queryset()
        )
        cached._result_cache = values
        cached._prefetch_done = True
        holder = cast(Any, instance)
        if not hasattr(holder, "_prefetched_objects_cache"):
            holder._prefetched_objects_cache = {}
        holder._prefetched_objects_cache[relation.cache_name] = cached


class _Relation(NamedTuple):
    """What a prefetch of a model's relation puts where, found once for the relation."""

    # The related object's attribute that holds its instance's key.
    parent_key_attr: str
    # Where an instance keeps the relation's prefetched queryset.
    cache_name: str
    # A reverse foreign key's field: the related object's link back to its instance.
    back: Any
    # A many-to-many's: the instance's field the relation starts from.
    key_attname: str


# By model and relation name: as many as the relations prefetched.
_relations: dict[tuple[type[Model], str], _Relation] = {}


def _relation(instance: Model, name: str) -> _Relation:
    descriptor = getattr(type(instance), name)
    if isinstance(descriptor, ManyToManyDescriptor):
        manager = getattr(instance, name)
        through = manager.through._meta.get_field(manager.source_field_name)
        (link,) = through.local_related_fields
        (target,) = through.foreign_related_fields
        return _Relation(
            f"_prefetch_related_val_{link.attname}",
            manager.prefetch_cache_name,
            None,
            target.attname,
        )
    if isinstance(descriptor, ReverseManyToOneDescriptor):
        field = descriptor.field
        return _Relation(field.attname, field.remote_field.cache_name, field, "")
    raise TypeError(f"{type(instance).__name__}.{name} is not a many-to-many or reverse relation")


def compiled_condition(
    shape: Hashable, build: Callable[[], QuerySet[Any]], using: str = DEFAULT_DB_ALIAS
) -> Q:
    """The condition (WHERE) of ``build()``, compiled once per ``shape``, as a filter for
    another query of the same model: ``queryset.filter(compiled_condition(...))``.

    For a rule whose subqueries are costly to build and compile but whose values are all
    of the shape (a quarter, a day, what is asked): nothing of it changes between calls of
    one shape, so it is kept as SQL and parameters. The condition names the model's table
    as Django names the first table of any query of the model (by its own name) and its
    subqueries' tables by their own aliases (U0…), so it fits a query that starts from the
    model's table, whatever else that query filters on."""
    connection = connections[using]
    key = (("condition", shape), (), id(connection))
    if key not in _compiled:
        if len(_compiled) >= _KEPT_AT_MOST:
            _compiled.clear()
        query = build().query
        compiler = query.get_compiler(connection=connection)
        sql, params = query.where.as_sql(compiler, connection)
        _compiled[key] = _Compiled(sql, [(None, None, param) for param in params], compiler)
    kept = _compiled[key]
    assert kept is not None
    return Q(RawSQL(kept.sql, [fixed for _, _, fixed in kept.slots], output_field=BooleanField()))
