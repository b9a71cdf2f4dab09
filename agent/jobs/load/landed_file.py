"""The landed object onto local disk, in chunks, exactly the version its event announced."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from agent.aws import error_code
from agent.jobs.errors import TransientLoadError

CHUNK_BYTES = 1 << 20
GONE = {"NoSuchKey", "404"}
REPLACED = {"PreconditionFailed", "412"}


async def fetch_landed(s3: Any, bucket: str, key: str, etag: str, into: Path) -> str | None:
    """Writes the object to ``into``; returns why not when it is gone or was replaced since its
    event (nothing to load: the replacement's own event loads the newer version)."""
    try:
        response = await s3.get_object(Bucket=bucket, Key=key, IfMatch=f'"{etag.strip(chr(34))}"')
    except Exception as exc:
        code = error_code(exc)
        if code in GONE:
            return f"s3://{bucket}/{key} was deleted before it was loaded"
        if code in REPLACED:
            return f"s3://{bucket}/{key} was replaced since ETag {etag}; the newer one loads on its own event"
        raise TransientLoadError(f"cannot read s3://{bucket}/{key}: {exc}") from exc
    try:
        body = response["Body"]  # the StreamingBody; entering it yields the raw response instead
        with into.open("wb") as out:
            async with body:
                while chunk := await body.read(CHUNK_BYTES):
                    await asyncio.to_thread(out.write, chunk)
    except OSError as exc:
        raise TransientLoadError(f"reading s3://{bucket}/{key} failed midway: {exc}") from exc
    return None
