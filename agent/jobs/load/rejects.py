"""A load's rejected rows, each with its reason, as JSON Lines beside the landed files:
``s3://<landing>/_rejects/<dataset>/<load id>.jsonl`` (a prefix no dataset lands under)."""

from __future__ import annotations

import asyncio
from typing import Any

from agent.jobs.load.prepare import Prepared
from agent.sink import S3Sink
from contracts.datasets import REJECTS_PREFIX
from contracts.messages import LoadMessage

CHUNK_BYTES = 1 << 20


def rejects_key(job: LoadMessage) -> str:
    return f"{REJECTS_PREFIX}{job.dataset}/{job.load_id}.jsonl"


async def store_rejects(s3: Any, job: LoadMessage, prepared: Prepared, part_size: int) -> str | None:
    if prepared.rejected_rows == 0:
        return None
    key = rejects_key(job)
    sink = S3Sink(
        s3, job.bucket, key, "application/x-ndjson", part_size, {"load-id": job.load_id, "source": job.key}
    )
    try:
        with prepared.rejects.open("rb") as source:
            while chunk := await asyncio.to_thread(source.read, CHUNK_BYTES):
                await sink.write(chunk)
        await sink.finish()
    except BaseException:
        await sink.abort()
        raise
    return key
