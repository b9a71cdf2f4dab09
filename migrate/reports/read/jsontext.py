"""Power BI's JSON parts as they are stored: UTF-16 little-endian (Report/Layout,
DataModelSchema), with or without a byte-order mark, or UTF-8 (PBIP files)."""

from __future__ import annotations

import codecs
import json
from typing import Any

from migrate.reports.read.errors import UnreadableReport


def decode_json(raw: bytes, where: str, what: str) -> dict[str, Any]:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(raw) > 1 and raw[1] == 0:
        encoding = "utf-16-le"
    else:
        encoding = "utf-8-sig"
    try:
        found = json.loads(raw.decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableReport(f"{where} is not {what} ({encoding} JSON: {exc})") from exc
    if not isinstance(found, dict):
        raise UnreadableReport(f"{where} is not {what} (not a JSON object)")
    return found
