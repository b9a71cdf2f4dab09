"""The reuse bench's harness works (not a timing): every request for the fresh snapshot is a reuse,
the trigger reads its item once and writes nothing, and the figures follow from the raw results."""

from __future__ import annotations

import pytest

from bench import reuse
from sandbox.moto_server import MotoSandbox


def test_a_reuse_is_one_read_and_no_write(monkeypatch: pytest.MonkeyPatch, moto_server: MotoSandbox) -> None:
    monkeypatch.setattr(reuse, "REQUESTS", 50)
    raw = reuse.on_moto(lambda _: None)  # the session's moto: make bench starts one of its own
    figures = reuse.summarise(raw)
    assert raw["calls"] == {"GetItem": 50}
    assert figures["reuse_writes_per_request"] == 0 and figures["reuse_all_reused"] is True
    assert figures["reuse_latency_ratio"] > 0


def test_a_write_per_request_is_counted() -> None:
    raw = {"requests": 4, "calls": {"GetItem": 4, "UpdateItem": 4}, "decisions": ["reused"]}
    raw |= {"trigger_p50_ms": 3.0, "get_item_p50_ms": 1.5}
    figures = reuse.summarise(raw)
    assert (figures["reuse_writes_per_request"], figures["reuse_latency_ratio"]) == (1.0, 2.0)
