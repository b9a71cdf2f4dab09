"""The catalog as the agent sees it: S3 (or a file), cached by ETag, re-checked every TTL."""

from __future__ import annotations

import asyncio
from typing import Any

from agent.aws import error_code
from contracts.catalog import Catalog
from contracts.catalog_cache import CachedCatalog, CatalogLocation, is_not_modified


class CatalogSource:
    def __init__(self, uri: str, s3: Any, ttl_seconds: float) -> None:
        self._where = CatalogLocation.parse(uri)
        self._s3 = s3
        self._cache = CachedCatalog(ttl_seconds)
        self._lock = asyncio.Lock()

    async def get(self) -> Catalog:
        if self._cache.due():
            async with self._lock:
                if self._cache.due():
                    try:
                        await self._refresh()
                    except Exception as exc:
                        self._cache.fetch_failed(exc)
        return self._cache.current()

    async def _refresh(self) -> None:
        if self._where.scheme == "file":
            self._cache.load_file(self._where.path)
            return
        kwargs = {"Bucket": self._where.bucket, "Key": self._where.key}
        if self._cache.etag:
            kwargs["IfNoneMatch"] = self._cache.etag
        try:
            response = await self._s3.get_object(**kwargs)
        except Exception as exc:
            if is_not_modified(error_code(exc)):
                self._cache.not_modified()
                return
            raise
        async with response["Body"] as body:
            self._cache.offer(await body.read(), response["ETag"])
