"""Power BI image visuals as QuickSight sheet images: the picture becomes a static file of the
dashboard (an image registered in the report is uploaded to S3 by ``--deploy``; a picture Power
BI loads from a URL keeps its URL when that is HTTPS), placed where the visual was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from migrate.reports.convert.ids import object_id
from migrate.reports.findings import Finding
from migrate.reports.model import Report, Visual
from migrate.reports.read.layout import RESOURCE
from migrate.reports.read.sources import MAX_IMAGE_BYTES

# What QuickSight shows as a sheet image; Power BI also takes others (a finding).
IMAGE_SUFFIXES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}

BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class ImagesAt:
    """Where the report's own images are uploaded: ``s3://bucket/prefix`` in QuickSight's region."""

    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> ImagesAt:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not url.startswith("s3://") or not BUCKET_NAME.fullmatch(bucket):
            raise ValueError(f"{url!r}: give the images' place as s3://bucket/prefix")
        return cls(bucket, prefix.strip("/") + "/" if prefix.strip("/") else "")


@dataclass
class SheetImages:
    """A report's images as the definition's static files, and the files to upload (key -> bytes)."""

    at: ImagesAt | None = None
    region: str = ""
    static_files: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)

    def sheet_image(
        self, report: Report, visual: Visual, element_id: str, where: str, findings: list[Finding]
    ) -> dict[str, Any] | None:
        source = self._source(report, visual, element_id)
        if isinstance(source, str):
            findings.append(Finding("IMAGE", where, source))
            return None
        file_id = object_id("image", report.name, element_id)
        self.static_files.append({"ImageStaticFile": {"StaticFileId": file_id, "Source": source}})
        image: dict[str, Any] = {
            "SheetImageId": element_id,
            "Source": {"SheetImageStaticFileSource": {"StaticFileId": file_id}},
            "Scaling": {"ScalingType": "SCALE_TO_CONTAINER"},
        }
        if visual.title:
            image["ImageContentAltText"] = visual.title[:1024]
        return image

    def _source(self, report: Report, visual: Visual, element_id: str) -> dict[str, Any] | str:
        """The static file's source, or why there is none."""
        picture = visual.image or ""
        if picture.startswith("https://"):
            return {"UrlOptions": {"Url": picture[:2048]}}
        if not picture.startswith(RESOURCE):
            return "its picture is not an HTTPS address" if picture else "it shows no picture"
        name = picture.removeprefix(RESOURCE)
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in IMAGE_SUFFIXES:
            return f"{name}: QuickSight shows PNG, JPEG, GIF and SVG images"
        body = report.images.get(name)
        if body is None:
            return f"{name} is not in the report, or is larger than {MAX_IMAGE_BYTES // 2**20} MB"
        key = f"{self.at.prefix if self.at else ''}{object_id('report', report.name)}/{element_id}{suffix}"
        self.uploads[key] = body
        if self.at is None:
            return f"{name} is written to images/; give --images-at s3://bucket/prefix to show it"
        return {"S3Options": {"BucketName": self.at.bucket, "ObjectKey": key, "Region": self.region}}
