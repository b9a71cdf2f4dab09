"""A landed object as the load state machine starts on it: what S3's EventBridge "Object
Created" event says, and the load id every later step (the ledger, the agent's ``_loads`` row,
"Data Landed"'s ``data_version``) knows the load by."""

from __future__ import annotations

import datetime
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
    # When the object was created (the event's time, a listing's LastModified), as landed_time()
    # writes it: files of one dataset merge in this order.
    landed_at: str = ""

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
            "landed_at": self.landed_at,
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
    return dataset_file(
        bucket,
        key,
        etag,
        str(obj.get("sequencer") or ""),
        int(obj.get("size") or 0),
        landed_time(event.get("time")),
    )


def dataset_file(
    bucket: str, key: str, etag: str, sequencer: str = "", size: int = 0, landed_at: str = ""
) -> LandedObject:
    """A landed object that is a dataset's file; ValueError for the platform's own keys, a key
    outside every dataset's prefix, a folder marker. S3 quotes ETags in listings, not in events."""
    if key.startswith(PLATFORM_KEYS) or key.endswith("/") or "/" not in key:
        raise ValueError(f"{key} is not a dataset file (<dataset>/...)")
    return LandedObject(bucket, key, etag.strip('"'), sequencer, size, landed_at)


def landed_time(value: object) -> str:
    """An object's creation time as one sortable text, UTC to the microsecond: EventBridge writes
    ``2026-11-28T10:00:00Z``, moto epoch seconds, a listing a datetime. ValueError for none."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.datetime.fromtimestamp(value, datetime.UTC)
    elif isinstance(value, str) and value:
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"the event's time is not ISO 8601: {value!r}") from None
    else:
        raise ValueError(f"the event's time is missing: {value!r}")
    if moment.tzinfo is None:
        raise ValueError(f"the event's time has no zone: {value!r}")
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
