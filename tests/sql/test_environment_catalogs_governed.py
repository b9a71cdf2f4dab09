"""dev's and prod's catalogs, as alice would meet them: every sql report over a governed table,
with hostile params, goes through the trigger's checks (callers, entitled params, scope) and, when
it is not refused, is rendered by the sql renderer on MariaDB. Every rendered row is one the
report's own query returns on a copy of the data holding only alice's region."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from agent.renderers.sql.renderer import SqlRenderer
from contracts.catalog import ParamsError, ReportSpec, parse_catalog
from contracts.catalog_dirs import ENVIRONMENT_CATALOGS
from contracts.http_api import SnapshotRequest
from lambdas.caller import Caller
from lambdas.entitlements import Entitlement, check_entitled, fill_entitled
from lambdas.requests import RequestRejected, check_request
from lambdas.scope import request_scope
from tests.sql.conftest import SERVERS, job
from tests.support.governed_catalogs import hostile_params
from tests.support.services import require_service
from tests.support.sinks import ListSink

REGIONS = ("EMEA", "AMER", "APAC", "LATAM")
ALICE_REGIONS = ("EMEA",)
CATALOGS = {p.parent.name: p.read_bytes() for p in sorted(ENVIRONMENT_CATALOGS.glob("*/reports.toml"))}
MARIADB = make_url(SERVERS["mariadb"])


def alice(report: ReportSpec) -> Caller:
    """A caller every report of the catalog admits (its first IAM or group pattern)."""
    for pattern in report.access.callers:
        if pattern.startswith("group:"):
            return Caller("jwt", "alice", groups=(pattern.removeprefix("group:"),))
        if pattern.startswith("arn:"):
            return Caller("iam", pattern.replace("*", "alice"))
    pytest.fail(f"{report.name}: no caller pattern alice can match")


def orders_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": n,
            "day": date(2025, 1 + n % 12, 1 + n % 28),
            "region": REGIONS[n % 4],
            "product": f"product-{n % 7}",
            "amount": Decimal(n) / 4,
        }
        for n in range(1, 801)
    ]


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str, Engine]]:
    """(every row's database, alice's rows' database, an engine) on MariaDB."""
    engine = create_engine(MARIADB.set(drivername="mysql+pymysql"))
    try:
        with engine.connect():
            pass
    except (OSError, DBAPIError) as exc:
        engine.dispose()
        require_service("mariadb", str(exc))
    suffix = uuid.uuid4().hex[:8]
    full, alices = f"orders_full_{suffix}", f"orders_alice_{suffix}"
    with engine.begin() as conn:
        for database, regions in ((full, REGIONS), (alices, ALICE_REGIONS)):
            conn.execute(text(f"CREATE DATABASE {database}"))
            conn.execute(
                text(
                    f"CREATE TABLE {database}.orders (id INTEGER PRIMARY KEY, day DATE NOT NULL,"
                    " region VARCHAR(8) NOT NULL, product VARCHAR(64) NOT NULL,"
                    " amount DECIMAL(12, 2) NOT NULL)"
                )
            )
            rows = [r for r in orders_rows() if r["region"] in regions]
            conn.execute(
                text(f"INSERT INTO {database}.orders VALUES (:id, :day, :region, :product, :amount)"), rows
            )
    try:
        yield full, alices, engine
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {full}"))
            conn.execute(text(f"DROP DATABASE IF EXISTS {alices}"))
        engine.dispose()


def checked(
    report: ReportSpec, params: dict[str, Any], catalog_text: bytes
) -> tuple[dict[str, Any], Any] | None:
    """What the trigger would render for alice (params, scope), or None when it refuses."""
    caller = alice(report)
    entitlement = Entitlement.union([{"params": {"region": list(ALICE_REGIONS)}}])
    try:
        filled = fill_entitled(report, caller, params, entitlement)
        request = SnapshotRequest(report=report.name, format="csv", params=filled)
        normalised = check_request(request, parse_catalog(catalog_text)).params
        check_entitled(report, caller, normalised, entitlement)
        return normalised, request_scope(report, caller, normalised, entitlement)
    except (RequestRejected, ParamsError):
        return None


def reference(engine: Engine, database: str, report: ReportSpec, params: dict[str, Any]) -> list[list[str]]:
    """The report's own query on alice's rows, as the CSV writes each value."""
    with engine.connect() as conn:
        conn.execute(text(f"USE {database}"))
        rows = conn.execute(text(str(report.source["query"])), params).fetchall()
    return [[str(v) for v in row] for row in rows]


@pytest.mark.parametrize("environment", sorted(CATALOGS))
async def test_alice_sees_no_other_regions_row_in_any_environments_catalog(
    databases: tuple[str, str, Engine], environment: str
) -> None:
    full, alices, engine = databases
    text_ = CATALOGS[environment]
    catalog = parse_catalog(text_)
    governed = [r for r in catalog.reports.values() if r.renderer == "sql" and r.governed]
    assert governed, f"{environment}'s catalog has a sql report over a governed table"
    renderer = SqlRenderer(
        {"reporting": MARIADB.set(database=full).render_as_string(hide_password=False)}, 2, 500
    )
    rendered = refused = 0
    try:
        for report in governed:
            for params in hostile_params(report):
                decided = checked(report, params, text_)
                if decided is None:
                    refused += 1
                    continue
                normalised, scope = decided
                assert scope == {read.id: list(ALICE_REGIONS) for read in report.governed}, (
                    report.name,
                    scope,
                )
                sink = ListSink()
                await renderer.render(
                    job("csv", normalised).model_copy(update={"scope": scope}), report, sink
                )
                got = list(csv.reader(io.StringIO(sink.data.decode())))[1:]
                assert got == reference(engine, alices, report, normalised), (report.name, params)
                rendered += 1
    finally:
        await renderer.close()
    assert rendered >= len(governed) and refused >= 1
