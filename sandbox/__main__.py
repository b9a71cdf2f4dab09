"""``python -m sandbox up`` runs the platform until Ctrl-C; ``python -m sandbox demo`` runs the demo;
``python -m sandbox moto`` runs only moto (fixed, seeded) for ``make apply ENV=local``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _moto(port: int) -> int:
    from sandbox.moto_server import start_moto

    moto = start_moto(port)
    print(f"moto         {moto.endpoint}   (make apply ENV=local SANDBOX_ENDPOINT={moto.endpoint})")
    print("Ctrl-C stops it, and everything in it.", flush=True)
    await _until_stopped()
    moto.stop()
    return 0


async def _up(agents: int, api_port: int, moto_port: int) -> int:
    from contracts.openapi import OPERATIONS
    from sandbox.runtime import start_sandbox

    sandbox = await start_sandbox("sandbox", api_port=api_port, moto_port=moto_port)
    for n in range(1, agents + 1):
        sandbox.add_agent(f"agent-{n}")
    p = sandbox.platform
    routes = ", ".join(op.route_key for op in OPERATIONS)
    print(f"API          {sandbox.api_url}   ({routes}; SigV4 as access key sandbox, secret sandbox)")
    print(f"             export SNAPSHOT_API_URL={sandbox.api_url}; .venv/bin/snapshot --help")
    for person in sandbox.people.values():
        keys = f"AWS_ACCESS_KEY_ID={person.credentials.access_key}"
        keys += f" AWS_SECRET_ACCESS_KEY={person.credentials.secret_key}"
        print(f"person       {person.name} sees {person.region}: {keys}")
    print(f"moto         {sandbox.moto.endpoint}   (export AWS_ENDPOINT_URL={sandbox.moto.endpoint})")
    print(f"QuickSight   {sandbox.quicksight.url}   (the stand-in the agents' quicksight renderer calls)")
    print(
        f"dashboards   {sandbox.site_url}/sales?region=EMEA   (what the browser renderer captures;"
        " it wants the bearer token the sandbox put in sandbox/catalog/browser-secrets.json's secrets)"
    )
    for agent in sandbox.agents:
        print(
            f"agent        {agent.name}: http://127.0.0.1:{agent.metrics_port}/metrics  log {agent.log_path}"
        )
    print(f"queue        {p.queue_url}\ntable        {p.table}\nbucket       {p.bucket}")
    print(f"state machine {p.state_machine_arn}\nCtrl-C stops everything.", flush=True)
    await _until_stopped()
    await sandbox.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the platform until Ctrl-C")
    up.add_argument("--agents", type=int, default=2)
    up.add_argument("--api-port", type=int, default=8080)
    up.add_argument("--moto-port", type=int, default=5000)
    moto = sub.add_parser("moto", help="run only moto, with the sandbox's fixes and seeds, until Ctrl-C")
    moto.add_argument("--port", type=int, default=5000)
    sub.add_parser("demo", help="run the demo scenario and check every outcome")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.command == "demo":
        from sandbox.demo import run_demo

        return asyncio.run(run_demo())
    with contextlib.suppress(KeyboardInterrupt):
        if args.command == "moto":
            return asyncio.run(_moto(args.port))
        return asyncio.run(_up(args.agents, args.api_port, args.moto_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
