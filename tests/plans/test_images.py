"""What an uploaded logo or section image must be (plans/images.py, through the form the
pages use): PNG, JPEG or SVG, under 2MB, with alternative text or marked decorative; an
SVG rebuilt without scripts, event attributes or references outside the file."""

import pytest
from django.core.exceptions import ValidationError

from plans.forms import ImageForm, SectionImageForm
from plans.images import (
    EMPTY_ERROR,
    MAX_IMAGE_BYTES,
    SIZE_ERROR,
    SVG_ERROR,
    TYPE_ERROR,
    image_clean,
)
from tests.images import SVG, bitmap, upload

ALT_ERROR = "Enter the alternative text, or say the image is decorative"


def _form(data: bytes, name: str = "image.png", **fields: str) -> ImageForm:
    form = ImageForm(fields or {"alt": "A test chart"}, {"file": upload(data, name)})
    form.is_valid()
    return form


def _svg(inner: bytes, attributes: bytes = b"") -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 100 50"' + attributes + b">" + inner + b"</svg>"
    )


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg")],
)
def test_a_png_or_a_jpeg_is_kept_as_it_is(kind, content_type, extension):
    data = bitmap(kind, (40, 20))
    clean = image_clean(data)
    assert (clean.content, clean.content_type, clean.extension) == (data, content_type, extension)
    assert (clean.width, clean.height) == (40, 20)


def test_a_good_svg_is_kept_with_its_drawing_and_size():
    clean = image_clean(SVG)
    assert clean.content_type == "image/svg+xml" and clean.extension == "svg"
    assert (clean.width, clean.height) == (200, 60)
    assert b"<rect" in clean.content and b"Test CSP</text>" in clean.content
    assert image_clean(clean.content).content == clean.content  # stable once clean


def test_a_good_upload_with_alternative_text_is_valid():
    form = _form(bitmap(), alt="Swale CSP")
    assert form.is_valid(), form.errors
    assert form.image is not None and form.image.content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (bitmap("GIF"), "chart.gif"),
        (bitmap("BMP"), "chart.bmp"),
        (bitmap("WEBP"), "chart.webp"),
        (b"%PDF-1.7\n%%EOF\n", "chart.pdf"),
        (b"Just some words", "chart.png"),  # the name does not make it a PNG
        (bitmap()[:40], "cut-short.png"),  # a PNG cut short
        (b"<html><body>Not an image</body></html>", "page.svg"),
    ],
)
def test_each_other_kind_of_file_is_refused_next_to_the_field(data, name):
    form = _form(data, name)
    assert form.errors.get("file") == [TYPE_ERROR]


def test_an_empty_file_is_refused():
    assert _form(b"", "empty.png").errors.get("file") == [EMPTY_ERROR]
    with pytest.raises(ValidationError, match=EMPTY_ERROR):
        image_clean(b"")


def test_a_file_of_2mb_or_more_is_refused():
    big = bitmap() + b"\0" * MAX_IMAGE_BYTES
    assert _form(big).errors.get("file") == [SIZE_ERROR]
    with pytest.raises(ValidationError, match=SIZE_ERROR):
        image_clean(big)


def test_no_file_is_refused_when_adding_and_kept_when_changing():
    adding = ImageForm({"alt": "A chart"}, {})
    assert adding.errors.get("file") == ["Select an image file"]
    changing = ImageForm({"alt": "A chart"}, {}, file_required=False)
    assert changing.is_valid() and changing.image is None


def test_alternative_text_is_required_unless_the_image_is_decorative():
    assert _form(bitmap(), alt="").errors.get("alt") == [ALT_ERROR]
    assert _form(bitmap(), alt="   ").errors.get("alt") == [ALT_ERROR]
    assert _form(bitmap(), alt="", is_decorative="on").is_valid()


def test_overlong_alternative_text_and_caption_get_their_own_messages():
    form = SectionImageForm({"alt": "x" * 251, "caption": "y" * 301}, {"file": upload(bitmap())})
    assert form.errors["alt"] == ["Enter alternative text of 250 characters or fewer"]
    assert form.errors["caption"] == ["Enter a caption of 300 characters or fewer"]


def test_a_script_element_is_removed_from_an_svg():
    clean = image_clean(_svg(b'<script>alert("x")</script><circle r="5"/>')).content
    assert b"script" not in clean and b"alert" not in clean and b"<circle" in clean


def test_event_attributes_are_removed_from_an_svg():
    data = _svg(
        b'<rect width="10" height="10" onclick="alert(1)" onmouseover="x()"/>',
        b' onload="alert(1)"',
    )
    clean = image_clean(data).content
    assert b"onload" not in clean and b"onclick" not in clean and b"onmouseover" not in clean
    assert b"alert" not in clean and b"<rect" in clean


@pytest.mark.parametrize(
    "inner",
    [
        b'<image href="https://tracker.example/pixel.png" width="1" height="1"/>',
        b'<use xlink:href="https://evil.example/sprite.svg#icon"/>',
        b'<use href="file:///etc/passwd#x"/>',
        b'<rect width="5" height="5" fill="url(https://evil.example/paint.svg#p)"/>',
        b'<rect width="5" height="5" style="fill: url(https://evil.example/x)"/>',
        b'<style>@import url("https://evil.example/x.css");</style>',
        b'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>',
        b'<a href="javascript:alert(1)"><text>Click</text></a>',
    ],
)
def test_references_outside_the_file_are_removed_from_an_svg(inner):
    clean = image_clean(_svg(inner)).content
    for outside in (b"https:", b"file:", b"javascript:", b"@import", b"iframe", b"style"):
        assert outside not in clean, (inner, clean)


def test_links_inside_the_svg_are_kept():
    data = _svg(
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        b'<path id="mark" d="M0 0 L5 5"/></defs>'
        b'<use xlink:href="#mark"/><rect width="5" height="5" fill="url(#g)"/>'
    )
    clean = image_clean(data).content
    assert b'href="#mark"' in clean and b'fill="url(#g)"' in clean


@pytest.mark.parametrize(
    "data",
    [
        # An entity expansion ("billion laughs") and an external entity.
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        b"<svg><unclosed>",
        b'<svg xmlns="http://www.w3.org/2000/svg">',
    ],
)
def test_an_svg_with_a_dtd_or_not_well_formed_is_refused(data):
    with pytest.raises(ValidationError, match="could not be read"):
        image_clean(data)
    assert _form(data, "bad.svg").errors.get("file") == [SVG_ERROR]
