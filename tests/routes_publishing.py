"""Access rules for plan authoring, publishing and the public documents pages."""

from tests.access_rules import Route

PUBLISHING_ROUTES: dict[str, Route] = {}
