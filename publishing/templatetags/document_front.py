"""The cover's words and how a document's images are sized and drawn
(publishing/pdf/includes/cover.html and figure.html)."""

from django import template

from publishing.snapshot import DocumentSnapshot, ImageRef

register = template.Library()

# CSS px per millimetre: the renderer's 96 px to the inch.
PX_PER_MM = 96 / 25.4


@register.filter
def decorative_box(image: ImageRef, size: str) -> str:
    """The style of the box a decorative image is drawn in as its background, which the
    PDF marks as an artifact (readers skip it): its own proportions, at most ``size``
    ("60x30", millimetres wide and high), never larger than its own size."""
    most_wide, most_high = (float(n) for n in size.split("x"))
    width_mm = image["width"] / PX_PER_MM if image["width"] else most_wide
    height_mm = image["height"] / PX_PER_MM if image["height"] else most_high
    scale = min(1.0, most_wide / width_mm, most_high / height_mm)
    src = image.get("src", "").replace("'", "%27")
    return (
        f"background-image: url('{src}'); width: {width_mm * scale:.1f}mm; "
        f"height: {height_mm * scale:.1f}mm"
    )


@register.filter
def cover_subtitle(doc: DocumentSnapshot) -> str:
    """The line under the title: the kind of document and its period, less what the
    title already says ("Swale Community Safety Plan 2023/24" needs no second line)."""
    title = doc["title"].casefold()
    words = []
    if doc["kind_label"].casefold() not in title:
        words.append(doc["kind_label"])
    period = doc.get("period_text") or doc["period"]
    if doc["period"].casefold() not in title and period.casefold() not in title:
        words.append(period)
    return " ".join(words)
