from tests.reporting.conftest import make_action, plan, priority  # noqa: F401
