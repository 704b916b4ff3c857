"""Raw SQL the migrations and the flush command run (database triggers)."""

from django.db.backends.base.base import BaseDatabaseWrapper


def execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
