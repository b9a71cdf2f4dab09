"""An HTTP body read as a JSON object, with every way it can be bad answered as a 4xx: too large
(413), not UTF-8, nested too deeply, not JSON (``NaN`` and lone surrogates included), not an object
(400). Python's own parser would raise ``RecursionError`` or ``UnicodeDecodeError`` for some of
these, or accept values DynamoDB and boto3 cannot carry; Lambda turns either into a 500."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from contracts.http_api import MAX_NESTING
from lambdas.requests import RequestRejected


def raw_body(body: str | None, base64_encoded: bool) -> bytes:
    """The bytes API Gateway received (it base64-encodes bodies it does not take for text)."""
    if not body:
        return b""
    if not base64_encoded:
        return body.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise RequestRejected(400, "body is not valid base64") from exc


def json_object(raw: bytes, max_bytes: int) -> dict[str, Any]:
    if len(raw) > max_bytes:
        raise RequestRejected(413, f"body is larger than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRejected(400, f"body is not UTF-8: invalid byte at position {exc.start}") from exc
    if nesting(text) > MAX_NESTING:
        raise RequestRejected(400, f"body nests deeper than {MAX_NESTING} levels")
    try:
        data = json.loads(text, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise RequestRejected(400, f"body is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    if not isinstance(data, dict):
        raise RequestRejected(400, "body must be a JSON object")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestRejected(400, "body holds an unpaired UTF-16 surrogate escape") from exc
    return data


def _not_json(constant: str) -> None:
    """Python's parser takes NaN and Infinity, which JSON (and DynamoDB) does not."""
    raise RequestRejected(400, f"body is not valid JSON: {constant} is not a JSON value")


def nesting(text: str) -> int:
    """The deepest level of arrays and objects in JSON text, brackets inside strings not counted
    (an upper bound for text that is not JSON, which the parser then refuses)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
