"""The forms of a page as a browser sees them: each form's fields and their values, to
post back unchanged or changed."""

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any


@dataclass
class Form:
    method: str
    action: str
    text: dict[str, str] = field(default_factory=dict)  # text inputs and textareas
    hidden: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # select, radio, checkbox
    chosen: dict[str, list[str]] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = a.get("method", "get").lower()
            self.forms.append(Form(method=method, action=a.get("action", "")))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind == "hidden":
                form.hidden[name] = a.get("value", "")
            elif kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.chosen.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button"):
                form.text[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            form.text[name] = ""
        elif tag == "select" and name:
            self.select = name
            form.choices[name] = []
        elif tag == "option" and self.select:
            form.choices[self.select].append(a.get("value", ""))
            if "selected" in a:
                form.chosen.setdefault(self.select, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.forms:
            # A browser drops the line break that opens a textarea's content.
            value = self.forms[-1].text[self.textarea] + data
            self.forms[-1].text[self.textarea] = value.removeprefix("\n")


def html_forms(page: str, *, method: str = "post") -> list[Form]:
    reader = _FormReader()
    reader.feed(page)
    # The sign-out button in the header is a form of every page; it has no fields.
    return [f for f in reader.forms if f.method == method and (f.text or f.choices or f.hidden)]


def form_data(form: Form) -> dict[str, object]:
    """What a browser posts for the form untouched (line breaks in text as CRLF)."""
    data: dict[str, object] = {
        n: v.replace("\r\n", "\n").replace("\n", "\r\n") for n, v in form.text.items()
    }
    data |= form.hidden
    for name, values in form.chosen.items():
        data[name] = values
    return data


def publish_confirmed(form: Any) -> dict[str, str]:
    """The publish form's editor's check ticked, as the publisher does when the page lists
    findings (publishing/checks.py); nothing to tick when it lists none."""
    if "warnings_confirmed" not in form.fields:
        return {}
    return {"warnings_confirmed": "on", "findings_key": form.initial["findings_key"]}


def date_input(name: str, day: date) -> dict[str, str]:
    """The three boxes of the GOV.UK date input ``name`` holding ``day``, as posted."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def publish_data(number: str, effective: date) -> dict[str, str]:
    """The publish form's version number and effective date, as posted."""
    return {"number": number, **date_input("effective_date", effective)}
