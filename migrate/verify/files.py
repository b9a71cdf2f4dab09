"""Compare the files of an Azure Blob container (under a prefix) with the objects under an S3
prefix: names relative to the prefixes, sizes, then content. Content is compared by MD5 where
both sides know it without reading (Azure's Content-MD5, S3's ETag of an object put whole), else
by a SHA-256 streamed from both sides. Read-only: it lists and reads, nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CHUNK = 1 << 20
MAX_NAMES = 100  # names listed per kind of difference (the counts are always whole)


@dataclass(frozen=True)
class Entry:
    size: int
    md5: str | None  # hex, when the store knows it without reading the content


@dataclass
class FileResult:
    source: str
    target: str
    status: str = "match"  # match | differ | error
    source_files: int = 0
    target_files: int = 0
    bytes: int = 0
    missing: int = 0
    extra: int = 0
    different: int = 0
    missing_names: list[str] = field(default_factory=list)
    extra_names: list[str] = field(default_factory=list)
    different_names: list[dict[str, str]] = field(default_factory=list)  # {"name", "why"}
    hashed: int = 0  # files whose content was read to compare them
    error: str = ""

    def summary(self) -> str:
        if self.status == "error":
            return f"{self.source} -> {self.target}: ERROR {self.error}"
        counts = f"source {self.source_files:,} files, target {self.target_files:,}"
        if self.status == "match":
            return f"{self.source} -> {self.target}: MATCH ({counts}, {self.bytes:,} bytes)"
        return (
            f"{self.source} -> {self.target}: DIFFER ({counts}): {self.missing:,} missing,"
            f" {self.extra:,} extra, {self.different:,} different"
        )


class BlobSide:
    """An Azure Blob container (azure-storage-blob's ContainerClient) under a prefix."""

    def __init__(self, container: Any, prefix: str) -> None:
        self.container = container
        self.prefix = prefix

    def listing(self) -> dict[str, Entry]:
        found = {}
        for blob in self.container.list_blobs(name_starts_with=self.prefix or None):
            md5 = blob.content_settings.content_md5
            found[blob.name[len(self.prefix) :]] = Entry(blob.size, bytes(md5).hex() if md5 else None)
        return found

    def chunks(self, name: str) -> Iterator[bytes]:
        yield from self.container.download_blob(self.prefix + name).chunks()


class S3Side:
    """An S3 bucket (a boto3 client) under a prefix."""

    def __init__(self, s3: Any, bucket: str, prefix: str) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.prefix = prefix

    def listing(self) -> dict[str, Entry]:
        found = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                etag = item["ETag"].strip('"')
                md5 = etag if "-" not in etag and len(etag) == 32 else None  # a multipart ETag is no MD5
                found[item["Key"][len(self.prefix) :]] = Entry(item["Size"], md5)
        return found

    def chunks(self, name: str) -> Iterator[bytes]:
        body = self.s3.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"]
        yield from body.iter_chunks(CHUNK)


def compare_files(source: BlobSide, target: S3Side, label: tuple[str, str]) -> FileResult:
    result = FileResult(*label)
    blobs, objects = source.listing(), target.listing()
    result.source_files, result.target_files = len(blobs), len(objects)
    result.bytes = sum(e.size for e in blobs.values())
    missing, extra = sorted(blobs.keys() - objects.keys()), sorted(objects.keys() - blobs.keys())
    result.missing, result.extra = len(missing), len(extra)
    result.missing_names, result.extra_names = missing[:MAX_NAMES], extra[:MAX_NAMES]
    for name in sorted(blobs.keys() & objects.keys()):
        why = _difference(name, blobs[name], objects[name], source, target, result)
        if why:
            result.different += 1
            if len(result.different_names) < MAX_NAMES:
                result.different_names.append({"name": name, "why": why})
    if result.missing or result.extra or result.different:
        result.status = "differ"
    return result


def _difference(
    name: str, blob: Entry, obj: Entry, source: BlobSide, target: S3Side, result: FileResult
) -> str | None:
    if blob.size != obj.size:
        return f"size {blob.size:,} in the source, {obj.size:,} in the target"
    if blob.md5 and obj.md5:
        return None if blob.md5 == obj.md5 else f"MD5 {blob.md5} in the source, {obj.md5} in the target"
    result.hashed += 1
    ours, theirs = _sha256(source.chunks(name)), _sha256(target.chunks(name))
    return None if ours == theirs else f"SHA-256 {ours} in the source, {theirs} in the target"


def _sha256(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class FilePair:
    container: str
    blob_prefix: str
    bucket: str
    key_prefix: str

    @property
    def label(self) -> tuple[str, str]:
        return f"azure://{self.container}/{self.blob_prefix}", f"s3://{self.bucket}/{self.key_prefix}"


def parse_pair(spec: str) -> FilePair:
    """``azure://CONTAINER/PREFIX=s3://BUCKET/PREFIX``; ValueError says what is wrong."""
    source, separator, target = spec.partition("=")
    if not separator or not source.startswith("azure://") or not target.startswith("s3://"):
        raise ValueError(f"--files {spec!r}: expected azure://CONTAINER/PREFIX=s3://BUCKET/PREFIX")
    container, _, blob_prefix = source.removeprefix("azure://").partition("/")
    bucket, _, key_prefix = target.removeprefix("s3://").partition("/")
    if not container or not bucket:
        raise ValueError(f"--files {spec!r}: a container and a bucket are both needed")
    return FilePair(container, blob_prefix, bucket, key_prefix)


class StoreError(ValueError):
    """Azure Blob could not be listed or read: the message says which and why."""


def compare_pair(pair: FilePair, connection_string: str) -> FileResult:
    import boto3
    from azure.core.exceptions import AzureError  # the migrate extra
    from azure.storage.blob import ContainerClient

    try:
        container = ContainerClient.from_connection_string(connection_string, pair.container)
        with container:
            return compare_files(
                BlobSide(container, pair.blob_prefix),
                S3Side(boto3.client("s3"), pair.bucket, pair.key_prefix),
                pair.label,
            )
    except AzureError as exc:
        raise StoreError(f"{pair.label[0]}: {str(exc).splitlines()[0]}") from exc
