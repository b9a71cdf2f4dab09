"""The metadata item's fields and statuses (docs/design.md: Metadata item)."""

from __future__ import annotations

ITEM_FIELDS = (
    "key", "snapshot_id", "generation", "report", "format", "params", "data_version", "scope", "status",
    "requested_at", "queued_at", "started_at", "rendered_at", "execution_arn", "s3_bucket", "s3_key",
    "size_bytes", "sha256", "content_type", "worker_id", "render_ms", "error", "cause",
    "attempt", "in_progress", "expires_at",
)  # fmt: skip
IN_PROGRESS = ("PENDING", "QUEUED", "RENDERING")
