"""Snapshot identity: the request key and the per-generation snapshot id (docs/design.md: Identity)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

SNAPSHOT_ID_PATTERN = re.compile(r"^(?P<key>[0-9a-f]{32})-g(?P<generation>[1-9][0-9]*)$")
KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")

EXTENSIONS = {"csv": "csv", "parquet": "parquet", "xlsx": "xlsx", "pdf": "pdf", "png": "png"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot_key(
    report: str,
    fmt: str,
    params: dict[str, Any],
    data_version: str | None = None,
    scope: dict[str, Any] | None = None,
) -> str:
    """First 32 hex chars of sha256 over the canonical request JSON. ``scope`` (the caller's scope
    of each governed table the report reads) is part of it only when there is one, so a report
    over no governed table keeps the key it always had."""
    body: dict[str, Any] = {"report": report, "format": fmt, "params": params, "data_version": data_version}
    if scope:
        body["scope"] = scope
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()[:32]


def snapshot_id(key: str, generation: int) -> str:
    return f"{key}-g{generation}"


def parse_snapshot_id(value: str) -> tuple[str, int] | None:
    match = SNAPSHOT_ID_PATTERN.match(value)
    if match is None:
        return None
    return match["key"], int(match["generation"])


def s3_key(report: str, key: str, generation: int, fmt: str) -> str:
    return f"snapshots/{report}/{key}/g{generation}.{EXTENSIONS[fmt]}"
