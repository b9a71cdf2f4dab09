"""``migrate verify``'s run from its arguments to its report and exit code."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import sys
from typing import Any

import sqlalchemy as sa
from botocore.exceptions import BotoCoreError, ClientError

from migrate.verify.engines import display
from migrate.verify.files import FileResult, compare_pair, parse_pair
from migrate.verify.plan import Schemas
from migrate.verify.run import State, TableRun, compare_tables, stderr_progress
from migrate.verify.tables import TableResult


def verify_command(args: argparse.Namespace) -> int:
    started = _now()
    try:
        pairs = [parse_pair(spec) for spec in args.files]
        connection = os.environ.get("AZURE_STORAGE_CONNECTION_STRING", "")
        if pairs and not connection:
            raise ValueError("--files needs AZURE_STORAGE_CONNECTION_STRING (the container's account, a SAS)")
        tables = _tables(args) if args.source else []
        files = []
        for pair in pairs:
            files.append(compare_pair(pair, connection))
            print(files[-1].summary(), flush=True)
    except KeyboardInterrupt:
        print(
            f"migrate verify: interrupted; finished tables are in {args.state}: run again with --resume",
            file=sys.stderr,
        )
        return 130
    except (
        ValueError,
        ImportError,
        sa.exc.DBAPIError,
        sa.exc.ArgumentError,
        BotoCoreError,
        ClientError,
    ) as exc:
        print(f"migrate verify: {_first_line(exc)}", file=sys.stderr)
        return 2
    results: list[TableResult | FileResult] = [*tables, *files]
    ok = all(r.status == "match" for r in results)
    report: dict[str, Any] = {
        "source": display(args.source) if args.source else None,
        "target": display(args.target) if args.target else None,
        "started": started,
        "finished": _now(),
        "ok": ok,
        "tables": [dataclasses.asdict(r) for r in tables],
        "files": [dataclasses.asdict(r) for r in files],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    differing = sum(r.status == "differ" for r in results)
    failed = sum(r.status == "error" for r in results)
    print(
        f"migrate verify: {len(tables)} tables, {len(files)} file sets; {len(results) - differing - failed}"
        f" match, {differing} differ, {failed} could not be compared; report {args.output}"
    )
    return 0 if ok else 1


def _tables(args: argparse.Namespace) -> list[TableResult]:
    run = TableRun(
        args.source,
        args.target,
        [t.strip() for t in args.tables.split(",") if t.strip()],
        Schemas(source=args.source_schema),
        args.threads,
    )
    return compare_tables(run, State(args.state, run.config(), args.resume), stderr_progress())


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
