"""The Lambdas' configuration: environment variables set by Terraform (or the sandbox)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LambdaSettings:
    table_name: str
    bucket_name: str
    catalog_uri: str
    state_machine_arn: str
    max_body_bytes: int
    retention_days: int
    presign_seconds: int
    catalog_ttl_seconds: float

    @classmethod
    def from_env(cls) -> LambdaSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            bucket_name=os.environ["BUCKET_NAME"],
            catalog_uri=os.environ["CATALOG_URI"],
            state_machine_arn=os.environ.get("STATE_MACHINE_ARN", ""),
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", "16384")),
            retention_days=int(os.environ.get("RETENTION_DAYS", "30")),
            presign_seconds=int(os.environ.get("PRESIGN_SECONDS", "900")),
            catalog_ttl_seconds=float(os.environ.get("CATALOG_TTL_SECONDS", "30")),
        )
