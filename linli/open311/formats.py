"""Open311 answers in JSON and in the spec's XML."""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, SubElement, tostring

import orjson
from django.http import HttpResponse

from linli.core.text import xml_text

# The XML element of each list item, by the list's root element.
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
              "values": "value", "endpoints": "endpoint", "formats": "format"}


def _fill(parent: Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(SubElement(parent, key), item)
    elif isinstance(value, list):
        name = ITEM_NAMES.get(parent.tag, "item")
        for item in value:
            _fill(SubElement(parent, name), item)
    elif value is None:
        return
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = xml_text(str(value))  # data stored before controls were refused must not break the feed


def to_xml(root: str, value) -> bytes:
    element = Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(element, encoding="utf-8")


JSON_TYPE, XML_TYPE = "application/json; charset=utf-8", "text/xml; charset=utf-8"


def render(fmt: str, root: str, value) -> tuple[bytes, str]:
    """``value`` as JSON, or as XML under ``root`` (lists of ``ITEM_NAMES[root]`` elements), and its type."""
    if fmt == "xml":
        return to_xml(root, value), XML_TYPE
    try:
        return orjson.dumps(value), JSON_TYPE  # UTF-8 as it is, like ensure_ascii=False; 5-10 × json's speed
    except TypeError:  # what orjson does not take (a lazy translation, a key that is not a string)
        return json.dumps(value, ensure_ascii=False, default=str).encode(), JSON_TYPE


def respond(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    body, content_type = render(fmt, root, value)
    return HttpResponse(body, content_type=content_type, status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)
