"""Streams a render into S3: one PutObject for small results, multipart above a threshold.

Memory per job stays at one part; the SHA-256 and size are computed on the way through.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from agent.artifacts import ArtifactInspector

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SinkResult:
    size_bytes: int
    sha256: str


class S3Sink:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        content_type: str,
        part_size: int,
        metadata: dict[str, str],
        inspector: ArtifactInspector | None = None,
    ) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._key = key
        self._content_type = content_type
        self._part_size = part_size
        self._metadata = metadata
        self._buffer = bytearray()
        self._hash = hashlib.sha256()
        self._size = 0
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._inspector = inspector

    @property
    def size(self) -> int:
        return self._size

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        self._hash.update(data)
        self._size += len(data)
        if self._inspector is not None:
            self._inspector.feed(data)
        self._buffer += data
        while len(self._buffer) >= self._part_size:
            part = bytes(self._buffer[: self._part_size])
            del self._buffer[: self._part_size]
            await self._upload_part(part)

    async def finish(self) -> SinkResult:
        if self._upload_id is None:
            await self._s3.put_object(
                Bucket=self._bucket,
                Key=self._key,
                Body=bytes(self._buffer),
                ContentType=self._content_type,
                Metadata=self._metadata,
            )
        else:
            if self._buffer or not self._parts:
                await self._upload_part(bytes(self._buffer))
            await self._s3.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer = bytearray()
        return SinkResult(self._size, self._hash.hexdigest())

    async def abort(self) -> None:
        if self._upload_id is None:
            return
        try:
            await self._s3.abort_multipart_upload(
                Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
            )
        except Exception:
            log.exception("abort of multipart upload %s failed", self._upload_id)
        self._upload_id = None

    async def _upload_part(self, part: bytes) -> None:
        if self._upload_id is None:
            created = await self._s3.create_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                ContentType=self._content_type,
                Metadata=self._metadata,
            )
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        response = await self._s3.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=part,
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})
