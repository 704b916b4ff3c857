"""An HTTP client that behaves like a person's browser on the production stack: it keeps
cookies, follows redirects, reads forms from the page (hidden fields and the CSRF token
included), fills them by their labels, and sends Origin and Referer with each post, as
Django's CSRF check over HTTPS expects of a browser."""

import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.html
from django.urls import Resolver404, ResolverMatch, resolve


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Page:
    response: httpx.Response
    browser: "Browser"

    @property
    def url(self) -> str:
        return str(self.response.url)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def html(self) -> str:
        return self.response.text

    @property
    def document(self) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.html, base_url=self.url)

    @property
    def text(self) -> str:
        return _words(self.document.text_content())

    def links(self) -> Iterator[tuple[str, str, ResolverMatch | None]]:
        """Each link: its words, its path, and the URL pattern it resolves to."""
        for anchor in self.document.iter("a"):
            href = anchor.get("href")
            if not href:
                continue
            path = urlsplit(urljoin(self.url, href)).path
            try:
                match: ResolverMatch | None = resolve(path)
            except Resolver404:
                match = None
            yield _words(anchor.text_content()), path, match

    def link(self, words: str) -> str:
        """The path of the first link whose words start with ``words``."""
        for text, path, _ in self.links():
            if text.startswith(words):
                return path
        raise AssertionError(f"No link {words!r} on {self.path}: {self.text[:500]}")

    def form(self, button: str) -> "Form":
        """The form whose submit button says ``button``."""
        for form in self.document.forms:
            for control in form.iter("button", "input"):
                kind = (control.get("type") or "submit").lower()
                label = _words(control.text_content() or control.get("value") or "")
                if kind == "submit" and label.startswith(button):
                    return Form(page=self, element=form, button=control)
        raise AssertionError(f"No form with a {button!r} button on {self.path}")


@dataclass
class Form:
    page: Page
    element: lxml.html.FormElement
    button: lxml.html.HtmlElement
    values: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, value in self.element.form_values():
            self.values.setdefault(name, []).append(value)

    def _control(self, label: str) -> lxml.html.HtmlElement:
        document = self.element
        for candidate in document.iter("label"):
            if _words(candidate.text_content()).startswith(label):
                target = candidate.get("for")
                found = document.xpath(f'.//*[@id="{target}"]') if target else []
                if found:
                    return found[0]
        raise AssertionError(f"No field labelled {label!r} in the form on {self.page.path}")

    def fill(self, label: str, value: str) -> "Form":
        control = self._control(label)
        self.values[control.get("name")] = [value]
        return self

    def choose(self, label: str) -> "Form":
        """Select the radio button (or tick the checkbox) with this label."""
        control = self._control(label)
        name, value = control.get("name"), control.get("value", "on")
        if (control.get("type") or "").lower() == "radio":
            self.values[name] = [value]
        else:
            self.values.setdefault(name, [])
            if value not in self.values[name]:
                self.values[name].append(value)
        return self

    def submit(self) -> Page:
        action = urljoin(self.page.url, self.element.get("action") or self.page.url)
        data = {name: values for name, values in self.values.items() if values}
        if self.button.get("name"):
            data[self.button.get("name")] = [self.button.get("value", "")]
        method = (self.element.get("method") or "get").lower()
        if method != "post":
            return self.page.browser.get(action, params=data)
        return self.page.browser.post(action, data=data, referer=self.page.url)


class Browser:
    def __init__(
        self,
        base_url: str,
        *,
        certificate: str,
        authenticator: Callable[[str], str] | None = None,
    ) -> None:
        """``authenticator(email)`` gives the code the person's authenticator app shows,
        for a sign-in with two factors."""
        self.base_url = base_url.rstrip("/")
        self.authenticator = authenticator
        context = ssl.create_default_context(cafile=certificate)
        self.http = httpx.Client(
            base_url=self.base_url,
            verify=context,
            follow_redirects=True,
            timeout=60,
            headers={"User-Agent": "CSP Tracker production stack test"},
        )

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, *, params: dict[str, list[str]] | None = None) -> Page:
        return Page(self.http.get(url, params=params), self)

    def post(self, url: str, *, data: dict[str, list[str]], referer: str) -> Page:
        headers = {"Origin": self.base_url, "Referer": referer}
        return Page(self.http.post(url, data=data, headers=headers), self)

    def sign_in(self, email: str, password: str) -> Page:
        page = self.get("/accounts/sign-in/")
        assert page.status == 200, page.status
        page = page.form("Sign in").fill("Email address", email).fill("Password", password).submit()
        page = self.second_step(page, email=email)
        assert page.status == 200 and "Sign out" in page.text, f"{email} not signed in: {page.url}"
        return page

    def second_step(self, page: Page, *, email: str) -> Page:
        """A sign-in with two factors (county admins) asks for the authenticator app's
        code after the password."""
        if resolve(page.path).view_name != "accounts:two_factor_code":
            return page
        assert self.authenticator is not None, f"{email} signs in with a code: no app here"
        form = page.form("Continue")
        return form.fill("Code from your authenticator app", self.authenticator(email)).submit()

    def sign_out(self) -> Page:
        page = self.get("/").form("Sign out").submit()
        assert "Sign out" not in page.text
        return page
