import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The password reset limits count in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()
