"""The catalog as the Lambdas see it: fetched from S3 (or a file) and cached by ETag."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from contracts.catalog import Catalog, parse_catalog
from contracts.catalog_cache import CachedCatalog, CatalogLocation, is_not_modified


class CatalogCache:
    def __init__(self, uri: str, s3_client: Any, ttl_seconds: float = 30.0) -> None:
        self._where = CatalogLocation.parse(uri)
        self._s3 = s3_client
        self._cache = CachedCatalog(ttl_seconds, parse_catalog)

    def get(self) -> Catalog:
        if self._cache.due():
            try:
                self._refresh()
            except (ClientError, OSError) as exc:
                self._cache.fetch_failed(exc)
        return self._cache.current()

    def _refresh(self) -> None:
        if self._where.scheme == "file":
            self._cache.load_file(self._where.path)
            return
        kwargs = {"Bucket": self._where.bucket, "Key": self._where.key}
        if self._cache.etag:
            kwargs["IfNoneMatch"] = self._cache.etag
        try:
            response = self._s3.get_object(**kwargs)
        except ClientError as exc:
            if is_not_modified(exc.response.get("Error", {}).get("Code")):
                self._cache.not_modified()
                return
            raise
        self._cache.offer(response["Body"].read(), response["ETag"])
