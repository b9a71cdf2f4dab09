"""Catalog caching by ETag, shared by the Lambdas (boto3) and the agent (aioboto3).

The caller fetches; this keeps the last good catalog, the ETag to send as ``If-None-Match``
and when to look again. A catalog that fails to parse is logged and the previous one kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlparse

CatalogT = TypeVar("CatalogT")

log = logging.getLogger(__name__)


class CatalogUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class CatalogLocation:
    scheme: str
    bucket: str
    key: str

    @property
    def path(self) -> Path:
        return Path(self.key)

    @classmethod
    def parse(cls, uri: str) -> CatalogLocation:
        parsed = urlparse(uri)
        if parsed.scheme == "s3" and parsed.netloc and parsed.path.strip("/"):
            return cls("s3", parsed.netloc, parsed.path.lstrip("/"))
        if parsed.scheme == "file" and parsed.path:
            return cls("file", "", parsed.path)
        raise ValueError(f"catalog URI must be s3://bucket/key or file:///path, got {uri!r}")


class CachedCatalog(Generic[CatalogT]):
    """``parse`` reads one kind of catalog (reports, datasets) and raises ``ValueError`` if bad."""

    def __init__(
        self, ttl_seconds: float, parse: Callable[[bytes], CatalogT], what: str = "report catalog"
    ) -> None:
        self._ttl = ttl_seconds
        self._parse = parse
        self._what = what
        self._catalog: CatalogT | None = None
        self.etag: str | None = None
        self._checked_at = float("-inf")

    def due(self) -> bool:
        return time.monotonic() - self._checked_at >= self._ttl

    def not_modified(self) -> None:
        self._checked_at = time.monotonic()

    def offer(self, body: bytes, etag: str) -> None:
        self._checked_at = time.monotonic()
        try:
            self._catalog = self._parse(body)
            self.etag = etag
        except ValueError as exc:
            log.error("%s %s rejected, keeping the previous one: %s", self._what, etag, exc)

    def fetch_failed(self, exc: Exception) -> None:
        log.error("%s fetch failed: %s", self._what, exc)

    def current(self) -> CatalogT:
        if self._catalog is None:
            raise CatalogUnavailable(f"the {self._what} could not be loaded")
        return self._catalog

    def load_file(self, path: Path) -> None:
        """A local catalog's "ETag" is its modification time."""
        etag = str(path.stat().st_mtime_ns)
        if etag == self.etag:
            self.not_modified()
        else:
            self.offer(path.read_bytes(), etag)


def is_not_modified(error_code: str | None) -> bool:
    return error_code in ("304", "NotModified")
