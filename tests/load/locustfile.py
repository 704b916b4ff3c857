"""The morning rush: officers sign in, open "Your actions" and an action, and post the
quarter's update. Not collected by pytest (not a test_*.py file).

Against data from `manage.py generate_scale --factor 10` (officers officer0-3 of each
scale-U-I partnership, one password), served by gunicorn with production settings over
HTTPS (the session cookie is Secure), e.g.:

    uv run locust -f tests/load/locustfile.py --headless -u 50 -r 5 -t 2m \\
        --host https://127.0.0.1:8443 --csv /tmp/rush

Each simulated user is a different officer (no two post on the same action). The
README's "Load test" gives the command that starts the server and the last results.
"""

import itertools
import os
import re
import threading

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("CSP_LOAD_PASSWORD", "scale-officer-password")
UNITS = int(os.environ.get("CSP_LOAD_UNITS", "10"))
PARTNERSHIPS_PER_UNIT = 14
AGENCIES = 4

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="updates_version" value="(\d+)"')
UPDATE_LINK = re.compile(r'href="/actions/(\d+)/update/"')

_officers = itertools.cycle(
    f"officer{a}@scale-{u}-{i}.example"
    for a in range(AGENCIES)
    for u in range(1, UNITS + 1)
    for i in range(PARTNERSHIPS_PER_UNIT)
)
_lock = threading.Lock()


def _next_officer() -> str:
    with _lock:
        return next(_officers)


# FastHttpUser (geventhttpclient), not HttpUser (requests): Locust runs on the same two
# cores as the server, and its faster client leaves more of them to the server.
class Officer(FastHttpUser):
    # Think time as the issue measured it (1 to 5 seconds between pages).
    wait_time = between(1, 5)
    insecure = True  # the test server's self-signed certificate

    def on_start(self) -> None:
        self.email = _next_officer()
        self.action_ids: list[int] = []
        page = self.client.get("/accounts/sign-in/", name="sign in page")
        token = CSRF.search(page.text or "")
        self._post_form(
            "/accounts/sign-in/",
            {
                "username": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="sign in",
        )
        self.your_actions()

    @task(3)
    def your_actions(self) -> None:
        page = self.client.get("/actions/mine/", name="your actions")
        found = [int(pk) for pk in UPDATE_LINK.findall(page.text or "")]
        if found:
            self.action_ids = found

    @task(2)
    def action_detail(self) -> None:
        if self.action_ids:
            pk = self.action_ids[0]
            self.client.get(f"/actions/{pk}/", name="action detail")

    @task(1)
    def post_update(self) -> None:
        if not self.action_ids:
            return
        pk = self.action_ids.pop(0)
        form = self.client.get(f"/actions/{pk}/update/", name="update form")
        text = form.text or ""
        token, version = CSRF.search(text), VERSION.search(text)
        if not token or not version:
            return
        self._post_form(
            f"/actions/{pk}/update/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "updates_version": version.group(1),
                "status": "on_track",
                "commentary": "Partners met this morning; the work is on track.",
                "reason": "Reviewed at the partners' meeting",
            },
            name="post update",
        )

    def _post_form(self, path: str, data: dict[str, str], *, name: str) -> None:
        """Post a form of the page at ``path`` as the browser does; anything but the
        redirect that follows a save is a failure."""
        with self.client.post(
            path,
            data=data,
            headers={"Referer": f"{self.host}{path}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}")
