"""The renderer protocol and the registry the agent looks renderers up in."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from contracts.catalog import ReportSpec
from contracts.messages import JobMessage


class Sink(Protocol):
    async def write(self, data: bytes | bytearray | memoryview) -> None: ...


class Renderer(Protocol):
    """A renderer may also have ``admit`` (see ``admission``): a wait before its render starts."""

    name: str
    formats: frozenset[str]
    max_concurrency: int

    async def render(self, job: JobMessage, report: ReportSpec, sink: Sink) -> None:
        """Stream the artifact into ``sink``; raise a ``RenderError`` to fail the job."""

    async def close(self) -> None: ...


class RendererRegistry:
    def __init__(self, renderers: list[Renderer]) -> None:
        self._renderers = {r.name: r for r in renderers}

    def get(self, name: str) -> Renderer | None:
        return self._renderers.get(name)

    def names(self) -> list[str]:
        return sorted(self._renderers)

    async def close(self) -> None:
        for renderer in self._renderers.values():
            await renderer.close()


def admission(renderer: Renderer, job: JobMessage, report: ReportSpec) -> AbstractAsyncContextManager[None]:
    """A renderer's optional ``admit(job, report)``: an async context that waits until the job may
    run (a fleet-wide slot, say) and holds what it took; the render timeout starts after it.
    Renderers without one start at once. (A plain attribute lookup: this runs for every job.)"""
    admit: Callable[[JobMessage, ReportSpec], AbstractAsyncContextManager[None]] | None = getattr(
        renderer, "admit", None
    )
    return admit(job, report) if admit is not None else contextlib.nullcontext()
