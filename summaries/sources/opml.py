"""OPML feed lists in and out, so users can move subscriptions between readers.

OPML files come from users, so they are parsed with defusedxml (as feeds are), which
refuses a DOCTYPE and so any entity declaration: expat would otherwise expand entities (the
"billion laughs" attack). The parser decides, not a regex over the text, so a comment that
merely mentions "<!DOCTYPE" is harmless and a declaration cannot hide from a pattern.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class OpmlError(ValueError):
    """An OPML text that cannot be used; the message is the reason shown to the user."""


def parse_opml(text: str) -> list[tuple[str, str]]:
    """Every (title, xml_url) in the outline tree, nested folders included, in file order."""
    try:
        root = fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise OpmlError("OPML with a DOCTYPE or entity declarations is not accepted") from exc
    except ET.ParseError as exc:
        raise OpmlError(f"not valid OPML/XML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML (root element is <{root.tag}>)")
    feeds: list[tuple[str, str]] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = _attr(outline, "xmlUrl")
        if not url or url in seen:
            continue
        seen.add(url)
        feeds.append((_attr(outline, "title") or _attr(outline, "text") or url, url))
    return feeds


def to_opml(feeds: list[tuple[str, str]], title: str = "diplobot feeds") -> str:
    """An OPML 2.0 document listing the feeds, readable by common feed readers."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for name, url in feeds:
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _attr(element: ET.Element, name: str) -> str | None:
    """Attribute lookup that forgives the case variations found in the wild (xmlurl)."""
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip() or None
    return None
