"""url_for_each gives exactly what reverse() gives, for every row's key."""

import pytest
from django.urls import reverse

from csp_tracker.reversing import url_for_each


@pytest.mark.parametrize(
    ("name", "kwarg", "keys"),
    [
        ("actions:edit", "pk", [1, 42, 9081726354, 10**12]),
        ("plans:overview", "pk", [7]),
        ("priorities:theme_workstreams", "pk", [3, 30]),
        ("reporting:partnership", "slug", ["swale", "scale-1-0", "kent"]),
    ],
)
def test_the_url_of_each_row_is_the_one_reverse_gives(name, kwarg, keys):
    url = url_for_each(name, kwarg)
    for key in keys:
        assert url(key) == reverse(name, kwargs={kwarg: key})
