"""Django's flush, able to empty the tables that keep history.

Emptying the whole database is the one time history may go: PostgreSQL's flush uses
TRUNCATE, which row triggers do not see, but SQLite's uses DELETE, which the triggers
refuse (status updates are append-only, published versions are frozen). On SQLite the
triggers are dropped for the flush and put back after. Test databases are flushed between
transactional tests this way.

Each app that guards history with triggers has a ``triggers`` module (actions, plans,
performance); they are found by that name, so this command imports no higher app.
"""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections
from django.utils.module_loading import module_has_submodule


def guards() -> list[ModuleType]:
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "triggers"):
            module = import_module(f"{config.name}.triggers")
            if hasattr(module, "create_sql") and hasattr(module, "drop_sql"):
                found.append(module)
    return found


class Command(FlushCommand):
    def handle(self, **options: object) -> None:
        connection = connections[options["database"]]  # type: ignore[index]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        found = guards()
        for guard in found:
            guard.execute(connection, guard.drop_sql("sqlite"))
        try:
            super().handle(**options)
        finally:
            for guard in found:
                guard.execute(connection, guard.create_sql("sqlite"))
