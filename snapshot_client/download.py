"""A snapshot's file, streamed to disk and checked against the sha256 and size in its metadata.
It is written beside the target and renamed into place only when it matches, so a failed or
corrupt download never leaves a file that looks complete."""

from __future__ import annotations

import hashlib
import os
from contextlib import ExitStack
from pathlib import Path

import urllib3

CHUNK = 1024 * 1024


class DownloadFailed(Exception):
    """The file could not be fetched, or it is not the one the metadata describes."""


class UrlExpired(DownloadFailed):
    """S3 refused the presigned URL (it expires): ask the API for a fresh one."""


def download(url: str, target: Path, sha256: str, size: int | None, timeout: float = 300.0) -> int:
    """The bytes written to ``target``."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=10, read=timeout), retries=False)
    partial = target.with_name(f".{target.name}.part")
    try:
        with http.request("GET", url, preload_content=False) as response, ExitStack() as cleanup:
            if response.status == 403:
                raise UrlExpired("the download URL was refused (expired?)")
            if response.status != 200:
                raise DownloadFailed(f"the download answered HTTP {response.status}")
            cleanup.callback(partial.unlink, missing_ok=True)
            written, digest = _write(response, partial)
            if digest != sha256 or (size is not None and written != size):
                raise DownloadFailed(
                    f"the download does not match its metadata: sha256 {digest} ({written} bytes), "
                    f"expected {sha256} ({size} bytes); nothing was written to {target}"
                )
            partial.replace(target)
    except urllib3.exceptions.HTTPError as exc:
        raise DownloadFailed(f"cannot fetch the snapshot: {exc}") from exc
    return written


def _write(response: urllib3.BaseHTTPResponse, path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    written = 0
    with path.open("wb") as out:
        for chunk in response.stream(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written, digest.hexdigest()
