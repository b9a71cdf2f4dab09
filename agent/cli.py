"""``snapshot-agent`` / ``python -m agent``: exits 0 after a clean drain, 2 on bad settings.
``snapshot-agent database-users`` makes the reporting database's users (an operator's task)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from agent.version import agent_version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snapshot-agent", description=__doc__)
    parser.add_argument("--version", action="version", version=f"snapshot-agent {agent_version()}")
    commands = parser.add_subparsers(dest="command")
    from agent import database_users

    database_users.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "database-users":
        return database_users.main(args)

    from agent.settings import AgentSettings

    try:
        settings = AgentSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"SNAPSHOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"snapshot-agent: bad settings: {problems}", file=sys.stderr)
        return 2
    from agent.log_setup import configure

    configure(settings.log_level, settings.worker_id)
    from agent.app import serve

    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        asyncio.run(serve(settings))
    else:
        uvloop.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
