"""A catalog as the agent sees it (the reports, or the datasets): S3 (or a file), cached by ETag,
re-checked every TTL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from agent.aws import error_code
from contracts.catalog import Catalog, parse_catalog
from contracts.catalog_cache import CachedCatalog, CatalogLocation, is_not_modified

CatalogT = TypeVar("CatalogT")


class CatalogSource(Generic[CatalogT]):
    def __init__(
        self, uri: str, s3: Any, ttl_seconds: float, parse: Callable[[bytes], CatalogT], what: str
    ) -> None:
        self._where = CatalogLocation.parse(uri)
        self._s3 = s3
        self._cache = CachedCatalog(ttl_seconds, parse, what)
        self._lock = asyncio.Lock()

    async def get(self) -> CatalogT:
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


def report_catalog(uri: str, s3: Any, ttl_seconds: float) -> CatalogSource[Catalog]:
    return CatalogSource(uri, s3, ttl_seconds, parse_catalog, "report catalog")
