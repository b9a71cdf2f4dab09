"""A landed object as the load state machine starts on it: what S3's EventBridge "Object
Created" event says, and the load id every later step (the ledger, the agent's ``_loads`` row,
"Data Landed"'s ``data_version``) knows the load by."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from contracts.datasets import PLATFORM_KEYS

OBJECT_CREATED = "Object Created"


@dataclass(frozen=True)
class LandedObject:
    bucket: str
    key: str
    etag: str
    sequencer: str
    size: int

    @property
    def dataset(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def load_id(self) -> str:
        digest = hashlib.sha256(f"{self.bucket}\n{self.key}\n{self.etag}".encode()).hexdigest()
        return f"ld-{digest[:32]}"

    def execution_input(self) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "dataset": self.dataset,
            "bucket": self.bucket,
            "key": self.key,
            "etag": self.etag,
            "sequencer": self.sequencer,
            "size": self.size,
        }


def landed_object(event: dict[str, Any]) -> LandedObject:
    """The object an "Object Created" event names; ValueError for one that is not a dataset file
    (the platform's own _rejects/ and _firehose-errors/, a key outside every dataset's prefix,
    a folder marker)."""
    if event.get("detail-type") != OBJECT_CREATED or event.get("source") != "aws.s3":
        raise ValueError(f"not an S3 Object Created event: {event.get('detail-type')!r}")
    detail = event.get("detail") or {}
    obj = detail.get("object") or {}
    bucket = (detail.get("bucket") or {}).get("name")
    key = obj.get("key")
    # S3 writes "etag"; moto writes "eTag".
    etag = obj.get("etag") or obj.get("eTag")
    if not isinstance(bucket, str) or not isinstance(key, str) or not isinstance(etag, str):
        raise ValueError("the event names no bucket, key or etag")
    return dataset_file(bucket, key, etag, str(obj.get("sequencer") or ""), int(obj.get("size") or 0))


def dataset_file(bucket: str, key: str, etag: str, sequencer: str = "", size: int = 0) -> LandedObject:
    """A landed object that is a dataset's file; ValueError for the platform's own keys, a key
    outside every dataset's prefix, a folder marker. S3 quotes ETags in listings, not in events."""
    if key.startswith(PLATFORM_KEYS) or key.endswith("/") or "/" not in key:
        raise ValueError(f"{key} is not a dataset file (<dataset>/...)")
    return LandedObject(bucket, key, etag.strip('"'), sequencer, size)
