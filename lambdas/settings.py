"""The Lambdas' configuration: environment variables set by Terraform (or the sandbox), one
pydantic model per function whose fields carry each variable's name (the alias), default and
meaning. ``from_env`` validates the environment: a required variable that is missing, or a value
of the wrong type, fails the cold start naming the variable. docs/lambdas.md's tables are
generated from these models (``make docs``)."""

from __future__ import annotations

import os
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.http_api import MAX_BODY_BYTES

# How long a Lambda container keeps a subject's entitlements: an operator's change to the table
# reaches every caller within this time.
ENTITLEMENTS_TTL_SECONDS = 60.0
# How long a Lambda container checks the catalog object for a change (by its ETag).
CATALOG_TTL_SECONDS = 30.0
# How long a snapshot's item lives (DynamoDB's TTL): under the 90 days Step Functions keeps a
# closed execution's name, hence a nonce in every execution's name (lambdas/executions.py).
RETENTION_DAYS = 30


class LambdaSettings(BaseModel):
    """A function's settings: built by name in code and tests, read by alias from the environment."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    @classmethod
    def from_env(cls) -> Self:
        """The settings from the environment: only the variables the model names are read, and a
        refusal names each variable and why, never a value (the environment holds credentials)."""
        names = [field.alias or name for name, field in cls.model_fields.items()]
        given = {name: os.environ[name] for name in names if name in os.environ}
        try:
            return cls.model_validate(given)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}"
                for e in exc.errors(include_input=False)
            )
            raise SettingsError(f"{cls.__name__}: {problems}") from None


class SettingsError(ValueError):
    """The environment does not configure the function: the cold start fails with this line."""


class RequestSettings(LambdaSettings):
    """What both functions that answer requests read: the table, the catalog, the entitlements."""

    table_name: str = Field(alias="TABLE_NAME", description="the metadata table")
    catalog_uri: str = Field(alias="CATALOG_URI", description="`s3://bucket/key` of the report catalog")
    entitlements_table: str = Field(alias="ENTITLEMENTS_TABLE", description="who may see which rows")
    catalog_ttl_seconds: float = Field(
        default=CATALOG_TTL_SECONDS,
        ge=0,
        alias="CATALOG_TTL_SECONDS",
        description="how often a container checks the catalog object for a change",
    )
    entitlements_ttl_seconds: float = Field(
        default=ENTITLEMENTS_TTL_SECONDS,
        ge=0,
        alias="ENTITLEMENTS_TTL_SECONDS",
        description="how long a container keeps a subject's entitlements",
    )


class TriggerSettings(RequestSettings):
    bucket_name: str = Field(alias="BUCKET_NAME", description="the snapshots bucket")
    state_machine_arn: str = Field(alias="STATE_MACHINE_ARN", description="the snapshot state machine")
    max_body_bytes: int = Field(
        default=MAX_BODY_BYTES, gt=0, alias="MAX_BODY_BYTES", description="a larger request body is a 413"
    )
    retention_days: int = Field(
        default=RETENTION_DAYS, gt=0, lt=90, alias="RETENTION_DAYS", description="an item's DynamoDB TTL"
    )


class StatusSettings(RequestSettings):
    page_token_key: str = Field(
        alias="PAGE_TOKEN_KEY_ID", description="the KMS key that seals listings' `next_token`"
    )
    presign_seconds: int = Field(
        default=900, gt=0, le=604800, alias="PRESIGN_SECONDS", description="a download URL's lifetime"
    )


class LandedSettings(LambdaSettings):
    state_machine_arn: str = Field(
        alias="LOAD_STATE_MACHINE_ARN", description="the load state machine each landed file starts"
    )


# The reconciler's bounds (the timers table's): a PENDING item older than this is started, or
# failed when its execution already ended; its sweep runs this often.
PENDING_SECONDS = 60
SWEEP_SECONDS = 300
SWEEP_EVENT = {"sweep": True}  # the schedule's input


class ReconcilerSettings(LambdaSettings):
    table_name: str = Field(alias="TABLE_NAME", description="the metadata table")
    ledger_table: str = Field(alias="LOADS_TABLE", description="the load state machine's ledger")
    state_machine_arn: str = Field(alias="STATE_MACHINE_ARN", description="the snapshot state machine")
    load_state_machine_arn: str = Field(alias="LOAD_STATE_MACHINE_ARN", description="the load state machine")
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", description="where a failed item is announced")
    stuck_seconds: int = Field(
        gt=0,
        alias="STUCK_SECONDS",
        description="a QUEUED or RENDERING item older than this has its execution asked: the job budget",
    )
    pending_seconds: int = Field(
        default=PENDING_SECONDS,
        gt=0,
        alias="PENDING_SECONDS",
        description="a PENDING item older than this is started, or failed when its execution ended",
    )
