"""Wire shapes between the trigger, the state machine and the agent (docs/design.md: Messages)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.governance.policy import Scope
from contracts.identity import KEY_PATTERN

ErrorName = Literal[
    "Render.Transient",
    "Render.Invalid",
    "Render.Timeout",
    "Render.Poison",
    "Load.Transient",
    "Load.Invalid",
    "Load.Queued",
]


class ExecutionInput(BaseModel):
    """What the trigger passes to StartExecution; the ASL copies it into the SQS body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snapshot_id: str
    key: str = Field(pattern=KEY_PATTERN.pattern)
    generation: int = Field(ge=1)
    report: str
    format: str
    params: dict[str, Any]
    data_version: str | None
    # The caller's scope of each governed table the report reads: part of the key, and what the
    # renderer filters those tables to. Empty for a report over no governed table.
    scope: Scope = Field(default_factory=dict)
    bucket: str
    s3_key: str


class JobMessage(ExecutionInput):
    """SQS body, version 1, written by the state machine's Render state."""

    v: Literal[1]
    task_token: str = Field(min_length=1)


class TaskOutput(BaseModel):
    """SendTaskSuccess output: what MarkReady writes into the metadata item. Where the artifact is
    (``s3_key``) is not the agent's to say: MarkReady takes it from the execution's input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_type: str
    rendered_at: str
    worker_id: str
    render_ms: int = Field(ge=0)


class LoadMessage(BaseModel):
    """SQS body of a load job, version 1, written by the load state machine's Load state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    kind: Literal["load"]
    load_id: str = Field(pattern=r"^ld-[0-9a-f]{32}$")
    dataset: str
    bucket: str = Field(min_length=3)
    key: str = Field(min_length=1, max_length=1024)
    etag: str = Field(min_length=1)
    sequencer: str = ""  # S3's per-key event order (hex); empty for a backfill
    landed_at: str = ""  # contracts.loads.landed_time: files of a dataset merge in this order
    task_token: str = Field(min_length=1)


class LoadOutput(BaseModel):
    """SendTaskSuccess output of a load: what MarkLoaded writes into the ledger."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    load_id: str
    dataset: str
    rows: int = Field(ge=0)
    rejected_rows: int = Field(ge=0)
    # Strings, never null, so the state machine can write them as they are: "" means none.
    rejects_key: str  # _rejects/<dataset>/<load id>.jsonl in the landing bucket, when rows were rejected
    changed: bool  # False: nothing merged (skipped), so no "Data Landed"
    skipped: str  # why nothing was merged
    worker_id: str
    load_ms: int = Field(ge=0)


def job_kind(body: str) -> str:
    """ "load" for a load job; "render" for anything else (a render, or a body too broken to say).
    Renders never carry "kind", so most bodies are told apart without parsing them twice."""
    if '"kind"' not in body:
        return "render"
    try:
        data = json.loads(body)
    except ValueError:
        return "render"
    return "load" if isinstance(data, dict) and data.get("kind") == "load" else "render"


def task_token_in(body: str) -> str | None:
    """The task token of a message too broken to parse as a job, if it has one at all."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    token = data.get("task_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None
