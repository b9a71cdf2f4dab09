"""A job's failures, each named as the state machine's Retry and Catch expect (docs/design.md:
Messages). Where a job starts (``JobProcessor.process``, ``LoadProcessor.process``) a ``JobError``
becomes the task's failure with its name and cause; anything else is a transient failure.

    JobError                     the root: its cause is scrubbed of credentials and hosts
    ├── RenderError              a render job's (Render.*)
    │   ├── TransientRenderError   Render.Transient   worth retrying
    │   ├── InvalidRenderError     Render.Invalid     never worth retrying
    │   └── RenderTimeoutError     Render.Timeout
    ├── LoadError                a load job's (Load.*)
    │   ├── TransientLoadError     Load.Transient
    │   ├── InvalidLoadError       Load.Invalid
    │   └── QueuedLoadError        Load.Queued        not this file's turn yet
    └── PoisonError              Render.Poison: received too often, either kind, not retried
"""

from __future__ import annotations

from agent.causes import scrub
from contracts.messages import ErrorName


class JobError(Exception):
    """A job's failure; its cause is scrubbed of credentials and hosts (``agent.causes``), since
    whoever may read the snapshot reads it."""

    error: ErrorName = "Render.Transient"

    def __init__(self, cause: str) -> None:
        cause = scrub(cause)
        super().__init__(cause)
        self.cause = cause[:1000]


class RenderError(JobError):
    """A render job's failure."""


class TransientRenderError(RenderError):
    """Worth retrying: a connection dropped, a service throttled."""

    error: ErrorName = "Render.Transient"


class InvalidRenderError(RenderError):
    """Never worth retrying: bad report, params, query or message."""

    error: ErrorName = "Render.Invalid"


class RenderTimeoutError(RenderError):
    error: ErrorName = "Render.Timeout"


class PoisonError(JobError):
    """Received too many times: the workers that took it died with it. Not rendered, not retried."""

    error: ErrorName = "Render.Poison"


class LoadError(JobError):
    """A load job's failure."""

    error: ErrorName = "Load.Transient"


class TransientLoadError(LoadError):
    """A load worth retrying: the database or S3 could not be reached, a lock wait ran out."""

    error: ErrorName = "Load.Transient"


class InvalidLoadError(LoadError):
    """A load never worth retrying: a bad file, too many rejected rows, an unknown dataset."""

    error: ErrorName = "Load.Invalid"


class QueuedLoadError(LoadError):
    """Not this load's turn: an earlier file of its dataset is still loading (asked again later)."""

    error: ErrorName = "Load.Queued"
