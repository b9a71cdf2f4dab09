"""The renderer protocol and the registry the agent looks renderers up in."""

from __future__ import annotations

from typing import Protocol

from contracts.catalog import ReportSpec
from contracts.messages import JobMessage


class Sink(Protocol):
    async def write(self, data: bytes | bytearray | memoryview) -> None: ...


class Renderer(Protocol):
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
