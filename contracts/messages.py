"""Wire shapes between the trigger, the state machine and the agent (docs/design.md: Messages)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.identity import KEY_PATTERN

ErrorName = Literal["Render.Transient", "Render.Invalid", "Render.Timeout", "Render.Poison"]


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
    bucket: str
    s3_key: str


class JobMessage(ExecutionInput):
    """SQS body, version 1, written by the state machine's Render state."""

    v: Literal[1]
    task_token: str = Field(min_length=1)


class TaskOutput(BaseModel):
    """SendTaskSuccess output: what MarkReady writes into the metadata item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    s3_key: str
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_type: str
    rendered_at: str
    worker_id: str
    render_ms: int = Field(ge=0)


def task_token_in(body: str) -> str | None:
    """The task token of a message too broken to parse as a job, if it has one at all."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    token = data.get("task_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None
