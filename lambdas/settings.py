"""The Lambdas' configuration: environment variables set by Terraform (or the sandbox). A required
one that is missing fails the cold start with its name."""

from __future__ import annotations

import os
from dataclasses import dataclass

from contracts.http_api import MAX_BODY_BYTES

# How long a Lambda container keeps a subject's entitlements: an operator's change to the table
# reaches every caller within this time.
ENTITLEMENTS_TTL_SECONDS = 60.0
# How often a Lambda container checks the catalog object for a change (by its ETag).
CATALOG_TTL_SECONDS = 30.0
# How long a snapshot's item lives (DynamoDB's TTL): under the 90 days Step Functions keeps a
# closed execution's name, hence a nonce in every execution's name (lambdas/executions.py).
RETENTION_DAYS = 30


@dataclass(frozen=True)
class TriggerSettings:
    table_name: str
    bucket_name: str
    catalog_uri: str
    state_machine_arn: str
    entitlements_table: str
    max_body_bytes: int = MAX_BODY_BYTES
    retention_days: int = RETENTION_DAYS
    catalog_ttl_seconds: float = CATALOG_TTL_SECONDS
    entitlements_ttl_seconds: float = ENTITLEMENTS_TTL_SECONDS

    @classmethod
    def from_env(cls) -> TriggerSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            bucket_name=os.environ["BUCKET_NAME"],
            catalog_uri=os.environ["CATALOG_URI"],
            state_machine_arn=os.environ["STATE_MACHINE_ARN"],
            entitlements_table=os.environ["ENTITLEMENTS_TABLE"],
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", str(MAX_BODY_BYTES))),
            retention_days=int(os.environ.get("RETENTION_DAYS", str(RETENTION_DAYS))),
            catalog_ttl_seconds=float(os.environ.get("CATALOG_TTL_SECONDS", str(CATALOG_TTL_SECONDS))),
            entitlements_ttl_seconds=_entitlements_ttl(),
        )


@dataclass(frozen=True)
class StatusSettings:
    table_name: str
    catalog_uri: str
    entitlements_table: str
    page_token_key: str  # the KMS key that seals listings' next_token
    presign_seconds: int = 900
    catalog_ttl_seconds: float = CATALOG_TTL_SECONDS
    entitlements_ttl_seconds: float = ENTITLEMENTS_TTL_SECONDS

    @classmethod
    def from_env(cls) -> StatusSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            catalog_uri=os.environ["CATALOG_URI"],
            entitlements_table=os.environ["ENTITLEMENTS_TABLE"],
            page_token_key=os.environ["PAGE_TOKEN_KEY_ID"],
            presign_seconds=int(os.environ.get("PRESIGN_SECONDS", "900")),
            catalog_ttl_seconds=float(os.environ.get("CATALOG_TTL_SECONDS", str(CATALOG_TTL_SECONDS))),
            entitlements_ttl_seconds=_entitlements_ttl(),
        )


def _entitlements_ttl() -> float:
    return float(os.environ.get("ENTITLEMENTS_TTL_SECONDS", str(ENTITLEMENTS_TTL_SECONDS)))


@dataclass(frozen=True)
class LandedSettings:
    state_machine_arn: str  # the load state machine

    @classmethod
    def from_env(cls) -> LandedSettings:
        return cls(state_machine_arn=os.environ["LOAD_STATE_MACHINE_ARN"])


# The reconciler's bounds (the timers table's): a PENDING item older than this is started, or
# failed when its execution already ended; its sweep runs this often.
PENDING_SECONDS = 60
SWEEP_SECONDS = 300
SWEEP_EVENT = {"sweep": True}  # the schedule's input


@dataclass(frozen=True)
class ReconcilerSettings:
    table_name: str
    ledger_table: str
    state_machine_arn: str
    load_state_machine_arn: str
    event_bus_name: str
    stuck_seconds: int  # a QUEUED or RENDERING item older than this has its execution asked: the job budget
    pending_seconds: int = PENDING_SECONDS

    @classmethod
    def from_env(cls) -> ReconcilerSettings:
        return cls(
            table_name=os.environ["TABLE_NAME"],
            ledger_table=os.environ["LOADS_TABLE"],
            state_machine_arn=os.environ["STATE_MACHINE_ARN"],
            load_state_machine_arn=os.environ["LOAD_STATE_MACHINE_ARN"],
            event_bus_name=os.environ["EVENT_BUS_NAME"],
            stuck_seconds=int(os.environ["STUCK_SECONDS"]),
            pending_seconds=int(os.environ.get("PENDING_SECONDS", str(PENDING_SECONDS))),
        )
