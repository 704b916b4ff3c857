"""Access rules for the exception report pages (reporting)."""

from tests.access_rules import Route

REPORTING_ROUTES: dict[str, Route] = {}
