"""What the agent knows of each message it holds: enough to heartbeat it or give it back."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class InFlight:
    message_id: str
    receipt_handle: str
    task_token: str | None = None
    last_beat: float = field(default_factory=time.monotonic)
    task: asyncio.Task[None] | None = None
    started: bool = False
    """True once the job holds one of the agent's slots; a prefetched message waits for one."""
    settled: bool = False
    """True once the message was deleted or handed back: nothing more to heartbeat or release."""
    kind: str = "unknown"
    """``render`` or ``load`` (``contracts.messages.job_kind``), once the worker has looked."""
    label: str = "unknown"
    """The job's renderer (a load's file format), once known: its outcome is counted under it."""
    abandoned: str | None = None
    """Why the agent stopped working on it: its task no longer waits (the heartbeat was told)."""
