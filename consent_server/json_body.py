"""A visitor's JSON body, read defensively: UTF-8, nested at most MAX_JSON_DEPTH deep, and no
lone surrogate in any string (a JSON escape like `\\ud800` can spell one; no store can write it).

The depth is measured on the text before it is parsed, so a body nested thousands deep is a 400
instead of a parser recursing until it fails.
"""

from __future__ import annotations

import json
from typing import Any

from .validation import InvalidRequest
from .visitor_text import MAX_JSON_DEPTH, has_surrogate, json_depth


def parse_json_body(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("invalid_json", "the body is not valid UTF-8 JSON") from None
    if _too_deep(text):
        raise InvalidRequest(
            "too_deep", f"the body nests arrays or objects more than {MAX_JSON_DEPTH} deep"
        )
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRequest("invalid_json", "the body is not valid JSON") from None
    if any(has_surrogate(text) for text in _strings(body)):
        raise InvalidRequest(
            "invalid_text", "the body holds a lone surrogate (\\ud800-\\udfff): send valid Unicode"
        )
    return body


def _too_deep(text: str) -> bool:
    """A text with no more opening brackets than the limit cannot nest deeper than it (brackets
    inside strings only add to the count), so a usual body skips the scan."""
    if text.count("{") + text.count("[") <= MAX_JSON_DEPTH:
        return False
    return json_depth(text) > MAX_JSON_DEPTH


def _strings(value: Any) -> list[str]:
    """Every string in a parsed body, object keys included (the depth is bounded already)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(text for item in value.values() for text in _strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []
