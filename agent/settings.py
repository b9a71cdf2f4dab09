"""The agent's settings, from ``SNAPSHOT_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

import os
import socket

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


def _default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class AgentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SNAPSHOT_", extra="ignore", frozen=True)

    queue_url: str = Field(description="the jobs queue")
    bucket: str = Field(description="the snapshots bucket (messages naming another are refused)")
    table: str = Field(description="the metadata table")
    catalog_uri: str = Field(description="`s3://bucket/key` or `file:///path` of the report catalog")
    datasets_uri: str | None = Field(
        default=None,
        description="`s3://bucket/key` or `file:///path` of the dataset catalog; unset, load jobs fail"
        " with `Load.Invalid`",
    )
    loads_ledger_table: str | None = Field(
        default=None,
        description="the load state machine's ledger: a load waits (`Load.Queued`) while an earlier file"
        " of its dataset is still loading; unset, load jobs fail with `Load.Invalid`",
    )
    concurrency: int = Field(default=64, ge=1, le=4096, description="jobs in flight at once")
    visibility_timeout_seconds: int = Field(
        default=120, ge=2, le=43200, description="visibility set on receive and on every heartbeat"
    )
    heartbeat_seconds: float = Field(
        default=30.0,
        gt=0,
        description="heartbeat interval (visibility extensions); at most half the visibility timeout",
    )
    drain_seconds: float = Field(default=60.0, ge=0, description="on SIGTERM, time given to in-flight jobs")
    dead_letter_queue_url: str | None = Field(
        default=None,
        description="the jobs queue's DLQ; set, the agent fails the task of every job that reaches it",
    )
    dead_letter_sweep_seconds: float = Field(
        default=60.0, gt=0, description="how often the DLQ's depth is checked (no receive while it is empty)"
    )
    max_receives: int = Field(
        default=4,
        ge=1,
        le=999,
        description="a message received more often is failed as `Render.Poison` without rendering; below"
        " the queue's `maxReceiveCount` (Terraform sets it one below) so the task fails before the message"
        " dead-letters",
    )
    poll_wait_seconds: int = Field(default=20, ge=0, le=20, description="SQS long-poll wait")
    prefetch: int = Field(
        default=10,
        ge=0,
        le=100,
        description="messages held beyond capacity, waiting for a slot, so a freed slot starts its next job"
        " at once; capped at a quarter of the capacity (0 on an agent of capacity 3 or less)",
    )
    pollers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="concurrent receive loops sharing the free capacity (more refill a large one faster)",
    )
    load_timeout_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="one load's limit once it holds its dataset's lease (`Load.Transient`, retried)",
    )
    render_timeout_seconds: float = Field(
        default=900.0,
        gt=0,
        description="one render's limit (`Render.Timeout`); storing the artifact is not counted",
    )
    delivery_lanes: int = Field(
        default=16,
        ge=1,
        le=1024,
        description="finished renders that store their artifact and report to Step Functions at once",
    )
    metrics_host: str = Field(default="0.0.0.0", description="address of `/metrics`, `/healthz`, `/readyz`")
    metrics_port: int = Field(default=9102, ge=0, le=65535, description="their port; 0 picks a free one")
    worker_id: str = Field(
        default_factory=_default_worker_id,
        description="recorded on the item and the object",
        json_schema_extra={"shown_default": "hostname:pid"},
    )
    data_sources: dict[str, str] = Field(
        default_factory=dict, description="JSON object: datasource name → SQLAlchemy async URL"
    )
    data_source_secrets: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object: datasource name → Secrets Manager secret (ARN) whose JSON `password`"
        " (and `username`, if it has one) renders connect with: a user that may only read;"
        " its URL in `data_sources` then carries none",
    )
    load_source_secrets: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object: datasource name → the secret (as above) load jobs connect with: a user"
        " that may write; a datasource without one loads with its `data_source_secrets` entry",
    )
    sql_concurrency: int = Field(default=16, ge=1, description="the `sql` renderer's own limit")
    sql_batch_rows: int = Field(
        default=5000, ge=1, description="rows fetched and written per batch (the row path)"
    )
    sql_fast_batch_rows: int = Field(
        default=50_000, ge=1, description="rows per record batch a fast-path reader process sends"
    )
    sql_fast_path: bool = Field(
        default=True,
        description="read MySQL/PostgreSQL through ConnectorX in reader processes; false: row by row",
    )
    sql_copy_client: str = Field(
        default="psql",
        description="PostgreSQL's client (name or path) for the fast path's COPY route, which reads"
        " results of bounded width about twice as fast as ConnectorX; empty, or not on the PATH:"
        " ConnectorX reads every PostgreSQL result",
    )
    browser_executable: str | None = Field(
        default=None,
        description="Chromium for the `browser` renderer; unset, found on the PATH (chromium, google-chrome)",
    )
    browser_concurrency: int = Field(
        default=8, ge=1, le=256, description="the browser renderer's upper bound"
    )
    browser_page_budget_mb: int = Field(
        default=150, ge=50, description="RAM per page: available RAM / this bounds browser concurrency"
    )
    browser_recycle_jobs: int = Field(default=100, ge=1, description="jobs before the browser is replaced")
    quicksight_account_id: str | None = Field(
        default=None,
        pattern=r"^[0-9]{12}$",
        description="the account of the QuickSight dashboards; set, the `quicksight` renderer and QuickSight"
        " embeds are on (needs `SNAPSHOT_LEASE_TABLE`)",
    )
    quicksight_region: str | None = Field(default=None, description="QuickSight's region; unset, the agent's")
    quicksight_endpoint_url: str | None = Field(
        default=None, description="another QuickSight endpoint (the sandbox's stand-in)"
    )
    quicksight_max_jobs: int = Field(
        default=12,
        ge=1,
        le=100,
        description="snapshot jobs the whole fleet runs at once (the account's limit); also this agent's own"
        " bound",
    )
    quicksight_calls_per_second: float = Field(
        default=10.0, gt=0, le=1000, description="QuickSight API calls per second for the whole fleet"
    )
    quicksight_poll_seconds: float = Field(
        default=2.0, gt=0, description="first wait between a job's status polls (growing by half each time)"
    )
    quicksight_poll_max_seconds: float = Field(default=20.0, gt=0, description="longest wait between polls")
    lease_table: str | None = Field(
        default=None,
        description="DynamoDB table of fleet-wide leases (the QuickSight job slots)",
    )
    lease_seconds: float = Field(
        default=60.0,
        ge=3,
        description="a lease's life, renewed every third of it: a dead worker's slot comes back after this",
    )
    multipart_threshold_bytes: int = Field(
        default=8 * MIB, ge=5 * MIB, description="above this, multipart upload in parts of this size"
    )
    catalog_ttl_seconds: float = Field(default=30.0, ge=0, description="catalog re-check interval")
    log_level: str = Field(default="INFO", description="the agent's log level (DEBUG, INFO, WARNING, ERROR)")
    autoscaling_group: str | None = Field(
        default=None,
        description="the instance's Auto Scaling group: set, the agent protects itself from scale-in while"
        " busy and drains on the termination hook or a Spot notice",
    )
    lifecycle_hook: str = Field(default="drain", description="the group's termination lifecycle hook")
    imds_url: str = Field(default="http://169.254.169.254", description="instance metadata service (IMDSv2)")
    protection_debounce_seconds: float = Field(
        default=60.0, ge=0, description="idle time before scale-in protection is cleared"
    )
    fleet_poll_seconds: float = Field(
        default=5.0, gt=0, description="lifecycle state and protection check interval"
    )

    @model_validator(mode="after")
    def _heartbeat_before_visibility_runs_out(self) -> AgentSettings:
        if self.visibility_timeout_seconds < 2 * self.heartbeat_seconds:
            raise ValueError(
                "SNAPSHOT_VISIBILITY_TIMEOUT_SECONDS must be at least twice "
                "SNAPSHOT_HEARTBEAT_SECONDS, or messages reappear between heartbeats"
            )
        return self

    @model_validator(mode="after")
    def _quicksight_needs_leases(self) -> AgentSettings:
        if self.quicksight_account_id and not self.lease_table:
            raise ValueError(
                "SNAPSHOT_QUICKSIGHT_ACCOUNT_ID needs SNAPSHOT_LEASE_TABLE (the fleet-wide job slots)"
            )
        return self
