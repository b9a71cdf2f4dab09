"""A verification run: tables one after another (each table's ranges in parallel), its state saved
after every table so an interrupted run resumes where it stopped (a table cut short is compared
again from the start), and the report written at the end."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migrate.verify.engines import display, readonly_engine
from migrate.verify.plan import PlanError, Schemas, plan_table, table_names
from migrate.verify.tables import TableComparison, TableResult


@dataclass(frozen=True)
class TableRun:
    source_url: str
    target_url: str
    tables: list[str]  # empty: every table of the target
    schemas: Schemas = dataclasses.field(default_factory=Schemas)
    threads: int = 4

    def config(self) -> dict[str, Any]:
        """What a saved state must match to be resumed (no passwords)."""
        return {
            "source": display(self.source_url),
            "target": display(self.target_url),
            "tables": self.tables,
            "schemas": dataclasses.asdict(self.schemas),
        }


class State:
    """Finished tables' results, on disk after each one."""

    def __init__(self, path: Path, config: dict[str, Any], resume: bool) -> None:
        self.path = path
        self.config = config
        self.done: dict[str, dict[str, Any]] = {}
        if resume and path.exists():
            saved = json.loads(path.read_text())
            if saved.get("config") == config:
                self.done = saved.get("tables", {})

    def record(self, result: TableResult) -> None:
        self.done[result.table.lower()] = dataclasses.asdict(result)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"config": self.config, "tables": self.done}, default=str))
        temporary.replace(self.path)


def compare_tables(run: TableRun, state: State, progress: Callable[[str], None]) -> list[TableResult]:
    with ExitStack() as stack:
        source = readonly_engine(run.source_url, run.threads)
        target = readonly_engine(run.target_url, run.threads)
        stack.callback(source.dispose)
        stack.callback(target.dispose)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=2 * run.threads))
        names = run.tables or sorted(table_names(target, run.schemas.target).values())
        results = []
        for name in names:
            saved = state.done.get(name.lower())
            if saved is not None:
                results.append(TableResult(**saved))
                progress(f"{name}: done in an earlier run")
                continue
            result = _compare(name, source, target, run.schemas, pool, progress)
            state.record(result)
            print(result.summary(), flush=True)
            results.append(result)
        return results


def _compare(
    name: str,
    source: sa.Engine,
    target: sa.Engine,
    schemas: Schemas,
    pool: ThreadPoolExecutor,
    progress: Callable[[str], None],
) -> TableResult:
    started = time.monotonic()
    try:
        plan = plan_table(name, source, target, schemas)
        result = TableComparison(plan.name, plan.source, plan.target, plan.integer_key, pool, progress).run()
    except (PlanError, sa.exc.DBAPIError) as exc:
        message = str(getattr(exc, "orig", exc)).splitlines()[0]
        return TableResult(name, status="error", error=message, seconds=round(time.monotonic() - started, 3))
    result.columns_only_in_source, result.columns_only_in_target = plan.only_source, plan.only_target
    if plan.only_source or plan.only_target:
        result.status = "differ"
    return result


def stderr_progress() -> Callable[[str], None]:
    """One line rewritten in place on a terminal; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return lambda _line: None

    def show(line: str) -> None:
        sys.stderr.write(f"\r\x1b[2K{line[:200]}")
        sys.stderr.flush()

    return show
