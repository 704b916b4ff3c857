"""url_for_each gives exactly what reverse() gives, for every row's key."""

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from csp_tracker.reversing import path_of, row_url, url_for_each


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


def test_a_row_url_is_the_one_reverse_gives_under_any_script_prefix():
    """``{% row_url %}`` keeps the reversed pattern per URL configuration and script
    prefix: a site served under a path gets its links with that path."""
    template = engines["django"].from_string(
        "{% load gds %}{% for pk in keys %}{% row_url 'actions:detail' pk %} {% endfor %}"
    )
    try:
        for prefix in ("/", "/csp/"):
            set_script_prefix(prefix)
            expected = [reverse("actions:detail", kwargs={"pk": pk}) for pk in (1, 42)]
            assert expected[0].startswith(prefix)
            assert [row_url("actions:detail", pk) for pk in (1, 42)] == expected
            assert template.render({"keys": [1, 42]}).split() == expected
    finally:
        set_script_prefix("/")


def test_a_path_of_a_list_is_the_one_reverse_gives_under_any_script_prefix():
    try:
        for prefix in ("/", "/csp/"):
            set_script_prefix(prefix)
            for name in ("actions:list", "plans:list"):
                assert path_of(name) == reverse(name)
                assert path_of(name).startswith(prefix)
    finally:
        set_script_prefix("/")
