"""The Lambdas' configuration: environment variables set by Terraform (or the sandbox). A required
one that is missing fails the cold start with its name."""

from __future__ import annotations

import os
from dataclasses import dataclass

from contracts.http_api import MAX_BODY_BYTES


@dataclass(frozen=True)
class TriggerSettings:
    table_name: str
    bucket_name: str
    catalog_uri: str
    state_machine_arn: str
    max_body_bytes: int = MAX_BODY_BYTES
    retention_days: int = 30
    catalog_ttl_seconds: float = 30.0

    @classmethod
    def from_env(cls) -> TriggerSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            bucket_name=os.environ["BUCKET_NAME"],
            catalog_uri=os.environ["CATALOG_URI"],
            state_machine_arn=os.environ["STATE_MACHINE_ARN"],
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", str(MAX_BODY_BYTES))),
            retention_days=int(os.environ.get("RETENTION_DAYS", "30")),
            catalog_ttl_seconds=float(os.environ.get("CATALOG_TTL_SECONDS", "30")),
        )


@dataclass(frozen=True)
class StatusSettings:
    table_name: str
    presign_seconds: int = 900

    @classmethod
    def from_env(cls) -> StatusSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            presign_seconds=int(os.environ.get("PRESIGN_SECONDS", "900")),
        )
