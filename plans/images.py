"""The images a published document shows: a partnership's logo on the cover and images in
a plan's sections. One definition of what is accepted, used by every upload.

PNG and JPEG are read by Pillow (the file's own bytes decide its type, not its name). SVG
is parsed without DTDs or entities (defusedxml) and rebuilt from an allow-list of drawing
elements and presentation attributes: no script, no ``foreignObject``, no event
attributes, no link or style that reaches outside the file. What is kept is written again
as a new SVG, so nothing the allow-list does not name can reach a reader or the renderer.
"""

import base64
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.core.exceptions import ValidationError

# The largest file accepted (bytes): a logo or a chart at print resolution fits.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# The largest picture accepted (pixels per side): beyond it the PDF grows for no reader.
MAX_IMAGE_SIDE = 6000

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "SVG": "image/svg+xml"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

TYPE_ERROR = "The selected file must be a PNG, JPEG or SVG"
SIZE_ERROR = "The selected file must be smaller than 2MB"
EMPTY_ERROR = "The selected file is empty"
SVG_ERROR = "The selected SVG file could not be read: save it again as SVG and upload it"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Drawing, text and paint elements: what a logo or a chart is made of.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "marker",
    ]
)
# Geometry and presentation attributes; no ``on*``, no ``style`` (it can hold url() and
# @import), no ``href`` but a link inside the file (checked below).
SVG_ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "viewBox",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "d",
        "points",
        "transform",
        "preserveAspectRatio",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "opacity",
        "clip-path",
        "clip-rule",
        "mask",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "dx",
        "dy",
        "rotate",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "fx",
        "fy",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "markerWidth",
        "markerHeight",
        "refX",
        "refY",
        "orient",
        "markerUnits",
        "marker-start",
        "marker-mid",
        "marker-end",
        "visibility",
        "display",
        "role",
        "aria-label",
        "aria-hidden",
        "lang",
        "version",
    ]
)
# Attributes that may name a paint server or clip: only a fragment of this file.
_REFERENCE_ATTRIBUTES = frozenset(
    ["fill", "stroke", "clip-path", "mask", "marker-start", "marker-mid", "marker-end"]
)
_URL = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"^\s*url\(\s*['\"]?#[\w.:-]+['\"]?\s*\)\s*$")


@dataclass(frozen=True)
class CleanImage:
    """An accepted image: the bytes to store (an SVG as rebuilt) and what it is."""

    content: bytes
    content_type: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def image_clean(data: bytes) -> CleanImage:
    """The image to store, or ValidationError worded for the upload's field."""
    if not data:
        raise ValidationError(EMPTY_ERROR, code="empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(SIZE_ERROR, code="size")
    if _looks_like_svg(data):
        return svg_clean(data)
    return _bitmap_clean(data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))


def _bitmap_clean(data: bytes) -> CleanImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format or ""
            width, height = picture.size
            if kind not in ("PNG", "JPEG"):
                raise ValidationError(TYPE_ERROR, code="type")
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(TYPE_ERROR, code="type") from None
    if max(width, height) > MAX_IMAGE_SIDE or min(width, height) < 1:
        raise ValidationError(
            f"The selected image must be {MAX_IMAGE_SIDE:,} pixels or fewer on each side",
            code="dimensions",
        )
    return CleanImage(data, CONTENT_TYPES[kind], width, height)


def svg_clean(data: bytes) -> CleanImage:
    """The SVG rebuilt from its allowed elements and attributes."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise ValidationError(SVG_ERROR, code="svg") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValidationError(SVG_ERROR, code="svg")
    clean = Element(f"{{{SVG_NS}}}svg")
    _copy(root, clean)
    content = b'<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(_written(clean)).encode()
    width, height = _svg_size(clean)
    return CleanImage(content, CONTENT_TYPES["SVG"], width, height)


def _written(element: Element, *, root: bool = True) -> Iterator[str]:
    """The rebuilt tree as SVG text, written here rather than by ElementTree, whose
    prefixes depend on what other code registered (``ns0:svg``): the SVG namespace as the
    default one, links as ``xlink:href``. Every name is one of the allow-lists'."""
    name = str(element.tag).split("}", 1)[1]
    attributes = "".join(
        f" {'xlink:href' if key == f'{{{XLINK_NS}}}href' else key}={quoteattr(value)}"
        for key, value in element.attrib.items()
    )
    if root:
        attributes = f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"' + attributes
    yield f"<{name}{attributes}>{escape(element.text or '')}"
    for child in element:
        yield from _written(child, root=False)
        yield escape(child.tail or "")
    yield f"</{name}>"


def _copy(source: Element, target: Element) -> None:
    for name, value in source.attrib.items():
        kept = _attribute(name, value)
        if kept is not None:
            target.set(*kept)
    target.text = source.text
    _copy_children(source, target)


def _copy_children(source: Element, target: Element) -> None:
    for child in source:
        local = _local_name(child.tag, SVG_NS)
        if local == "a":  # a link's drawing is kept, the link is not
            _copy_children(child, target)
            continue
        if local is None or local not in SVG_ELEMENTS:
            continue  # dropped with everything inside it (script, foreignObject, image…)
        copy = SubElement(target, f"{{{SVG_NS}}}{local}")
        _copy(child, copy)
        copy.tail = child.tail


def _attribute(name: str, value: str) -> tuple[str, str] | None:
    if name in (f"{{{XLINK_NS}}}href", "href"):
        # A link to an element of this file (<use href="#mark">); nothing outside it.
        return (f"{{{XLINK_NS}}}href", value) if value.startswith("#") else None
    if name not in SVG_ATTRIBUTES:
        return None
    if _URL.search(value) and not (name in _REFERENCE_ATTRIBUTES and _LOCAL_URL.match(value)):
        return None
    return name, value


def _local_name(tag: object, namespace: str) -> str | None:
    if not isinstance(tag, str) or not tag.startswith(f"{{{namespace}}}"):
        return None  # a comment, a processing instruction, another vocabulary
    return tag[len(namespace) + 2 :]


_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def _svg_size(root: Element) -> tuple[int, int]:
    """Its width and height in CSS px, from its attributes or its viewBox; 0 if unknown."""
    sizes = [_LENGTH.match(root.get(side, "")) for side in ("width", "height")]
    if sizes[0] and sizes[1]:
        return round(float(sizes[0][1])), round(float(sizes[1][1]))
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        return round(float(box[2])), round(float(box[3]))
    except (IndexError, ValueError):
        return 0, 0


def stored_image_type(name: str) -> str:
    """The content type of an image this module stored, from the extension it gave it."""
    extension = name.rsplit(".", 1)[-1].lower()
    types = {ext: content_type for content_type, ext in EXTENSIONS.items()}
    return types.get(extension, "application/octet-stream")


def stored_image_bytes(name: str) -> bytes:
    """A stored image's bytes, read through the project's storage (S3 in production)."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def image_data_uri(name: str) -> str:
    """A stored image written into the page itself (``data:``), for pages behind sign-in
    and the preview: no second request, nothing fetched by the PDF renderer."""
    encoded = base64.b64encode(stored_image_bytes(name)).decode("ascii")
    return f"data:{stored_image_type(name)};base64,{encoded}"
