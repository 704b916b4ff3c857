"""Django's flush, able to empty the tables that keep history.

Emptying the whole database is the one time history may go. The triggers refuse it
otherwise (status updates are append-only, published versions are frozen): on SQLite the
flush's DELETE, on PostgreSQL its TRUNCATE. So the flush lifts them for its run and puts
them back after: on SQLite the row triggers, on PostgreSQL the TRUNCATE ones (row
triggers do not see a TRUNCATE). Test databases are flushed between transactional tests
this way. A role without the tables' ownership cannot drop the triggers, so the app's own
role (README, production) cannot flush.

Each app that guards history with triggers has a ``triggers`` module (actions, plans,
performance); they are found by that name, so this command imports no higher app.
"""

from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections
from django.utils.module_loading import module_has_submodule


def guards() -> list[ModuleType]:
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "triggers"):
            module = import_module(f"{config.name}.triggers")
            if all(
                hasattr(module, name)
                for name in ("create_sql", "drop_sql", "truncate_create_sql", "truncate_drop_sql")
            ):
                found.append(module)
    return found


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        vendor = connection.vendor
        if vendor == "sqlite":
            lift, restore = "drop_sql", "create_sql"
        elif vendor == "postgresql":
            lift, restore = "truncate_drop_sql", "truncate_create_sql"
        else:
            return super().handle(**options)
        found = guards()
        for guard in found:
            guard.execute(connection, getattr(guard, lift)(vendor))
        try:
            super().handle(**options)
        finally:
            for guard in found:
                guard.execute(connection, getattr(guard, restore)(vendor))
