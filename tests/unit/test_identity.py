from __future__ import annotations

import hashlib
import json

from contracts.identity import parse_snapshot_id, s3_key, snapshot_id, snapshot_key


def test_key_is_sha256_prefix_of_canonical_json() -> None:
    canonical = json.dumps(
        {"data_version": None, "format": "csv", "params": {"a": 1, "b": "x"}, "report": "r"},
        separators=(",", ":"),
    )
    assert snapshot_key("r", "csv", {"b": "x", "a": 1}) == hashlib.sha256(canonical.encode()).hexdigest()[:32]


def test_same_request_same_key_and_any_difference_changes_it() -> None:
    base = snapshot_key("r", "csv", {"a": 1, "b": 2}, "v1")
    assert base == snapshot_key("r", "csv", {"b": 2, "a": 1}, "v1")
    assert (
        len(
            {
                base,
                snapshot_key("r", "xlsx", {"a": 1, "b": 2}, "v1"),
                snapshot_key("r", "csv", {"a": 1, "b": 3}, "v1"),
                snapshot_key("r", "csv", {"a": 1, "b": 2}, None),
                snapshot_key("q", "csv", {"a": 1, "b": 2}, "v1"),
            }
        )
        == 5
    )


def test_snapshot_id_round_trip_and_rejects() -> None:
    key = "0123456789abcdef0123456789abcdef"
    assert parse_snapshot_id(snapshot_id(key, 12)) == (key, 12)
    for bad in (f"{key}-g0", f"{key}-g", key, f"{key.upper()}-g1", f"{key}-g1/../x", ""):
        assert parse_snapshot_id(bad) is None


def test_s3_key_layout() -> None:
    assert s3_key("sales", "abc", 3, "xlsx") == "snapshots/sales/abc/g3.xlsx"
