"""The real agent (settings from ``SNAPSHOT_*``) with the bench renderers plugged in."""

from __future__ import annotations

import sys

from agent.app import serve
from agent.renderers.base import RendererRegistry
from agent.settings import AgentSettings
from bench.renderers import NoopRenderer, SleepRenderer


def main() -> int:
    import logging

    logging.basicConfig(level=logging.WARNING)
    settings = AgentSettings()
    registry = RendererRegistry([NoopRenderer(), SleepRenderer()])
    if "--no-uvloop" in sys.argv:
        import asyncio

        asyncio.run(serve(settings, renderers=registry))
    else:
        import uvloop

        uvloop.run(serve(settings, renderers=registry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
