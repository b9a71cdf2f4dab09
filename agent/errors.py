"""Render errors, named as the state machine's Retry and Catch expect (docs/design.md: Messages)."""

from __future__ import annotations

from agent.causes import scrub
from contracts.messages import ErrorName


class RenderError(Exception):
    """A job's failure; its cause is scrubbed of credentials and hosts (``agent.causes``), since
    whoever may read the snapshot reads it."""

    error: ErrorName = "Render.Transient"

    def __init__(self, cause: str) -> None:
        cause = scrub(cause)
        super().__init__(cause)
        self.cause = cause[:1000]


class TransientRenderError(RenderError):
    """Worth retrying: a connection dropped, a service throttled."""

    error: ErrorName = "Render.Transient"


class InvalidRenderError(RenderError):
    """Never worth retrying: bad report, params, query or message."""

    error: ErrorName = "Render.Invalid"


class RenderTimeoutError(RenderError):
    error: ErrorName = "Render.Timeout"


class PoisonError(RenderError):
    """Received too many times: the workers that took it died with it. Not rendered, not retried."""

    error: ErrorName = "Render.Poison"


class TransientLoadError(RenderError):
    """A load worth retrying: the database or S3 could not be reached, a lock wait ran out."""

    error: ErrorName = "Load.Transient"


class InvalidLoadError(RenderError):
    """A load never worth retrying: a bad file, too many rejected rows, an unknown dataset."""

    error: ErrorName = "Load.Invalid"


class QueuedLoadError(RenderError):
    """Not this load's turn: an earlier file of its dataset is still loading (asked again later)."""

    error: ErrorName = "Load.Queued"
