"""``migrate verify``'s run from its arguments to its report and exit code."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sys
from typing import Any

import sqlalchemy as sa

from migrate.verify.plan import Schemas
from migrate.verify.run import State, TableRun, compare_tables, stderr_progress


def verify_command(args: argparse.Namespace) -> int:
    run = TableRun(
        args.source,
        args.target,
        [t.strip() for t in args.tables.split(",") if t.strip()],
        Schemas(source=args.source_schema),
        args.threads,
    )
    started = _now()
    state = State(args.state, run.config(), args.resume)
    try:
        results = compare_tables(run, state, stderr_progress())
    except KeyboardInterrupt:
        print(
            f"migrate verify: interrupted; finished tables are in {args.state}: run again with --resume",
            file=sys.stderr,
        )
        return 130
    except (ValueError, sa.exc.DBAPIError, sa.exc.ArgumentError, ImportError) as exc:
        message = str(getattr(exc, "orig", exc)).splitlines()[0]
        print(f"migrate verify: {message}", file=sys.stderr)
        return 2
    ok = all(r.status == "match" for r in results)
    report: dict[str, Any] = {
        **run.config(),
        "started": started,
        "finished": _now(),
        "ok": ok,
        "tables": [dataclasses.asdict(r) for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    differing = sum(r.status == "differ" for r in results)
    failed = sum(r.status == "error" for r in results)
    print(
        f"migrate verify: {len(results)} tables, {len(results) - differing - failed} match,"
        f" {differing} differ, {failed} could not be compared; report {args.output}"
    )
    return 0 if ok else 1


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
