"""Which PostgreSQL results the COPY route may carry, and what psql's exits mean; no server."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pytest

from agent.jobs.errors import InvalidRenderError, TransientRenderError
from agent.renderers.sql.extract.copy_columns import MAX_ROW_BYTES, copy_columns
from agent.renderers.sql.extract.copy_reader import copy_command, failure


@dataclass(frozen=True)
class Col:  # the fields of a psycopg cursor description the route reads
    name: str
    type_code: int
    display_size: int | None = None
    precision: int | None = None
    scale: int | None = None


def test_bounded_columns_take_the_route_with_connectorx_s_types() -> None:
    chosen = copy_columns(
        [Col("i", 23), Col("s", 21), Col("f", 700), Col("v", 1043, display_size=8),
         Col("n", 1700, None, 12, 2), Col("d", 1082), Col("t", 1114), Col("b", 16), Col("u", 2950)]
    )  # fmt: skip
    assert chosen is not None
    assert chosen.parsed.field("f").type == pa.float32()
    assert [f.type for f in chosen.result] == [
        pa.int64(), pa.int64(), pa.float64(), pa.string(), pa.decimal128(38, 2),
        pa.date32(), pa.timestamp("us"), pa.bool_(), pa.string(),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "column",
    [
        Col("t", 25),  # text: any length
        Col("v", 1043),  # varchar without a length
        Col("j", 114),  # json
        Col("b", 17),  # bytea
        Col("z", 1184),  # timestamptz: its text depends on the session's zone
        Col("n", 1700),  # NUMERIC without a declared scale
        Col("v", 1043, display_size=MAX_ROW_BYTES),  # a row that may outgrow a parser block
        Col("x", 99999),  # a type this side has never heard of
    ],
    ids=lambda c: f"{c.name}-{c.type_code}",
)
def test_an_unbounded_or_unknown_column_keeps_the_result_on_connectorx(column: Col) -> None:
    assert copy_columns([Col("id", 20), column]) is None


def test_duplicate_names_keep_the_result_on_connectorx() -> None:
    assert copy_columns([Col("id", 20), Col("id", 23)]) is None


def test_the_widest_row_decides() -> None:
    widest = [Col(f"c{i}", 1043, display_size=10_000) for i in range(26)]  # 40,003 bytes each
    assert copy_columns(widest) is not None
    assert copy_columns([*widest, Col("one_more", 1043, display_size=10_000)]) is None


def test_copy_keeps_a_trailing_comment_and_drops_a_trailing_semicolon() -> None:
    command = copy_command("SELECT 1 -- the end;\n ; ")
    assert command.startswith("COPY (\n") and command.endswith("\n) TO STDOUT (FORMAT csv)")
    assert "-- the end\n)" in command


@pytest.mark.parametrize(
    ("stderr", "error", "says"),
    [
        (
            'ERROR:  relation "nope" does not exist\nLINE 2: SELECT * FROM nope',
            InvalidRenderError,
            "relation",
        ),
        ("psql:<stdin>:1: ERROR:  division by zero", InvalidRenderError, "ERROR:  division by zero"),
        (
            'psql: error: connection to server at "h" failed: Connection refused',
            TransientRenderError,
            "refused",
        ),
        ("server closed the connection unexpectedly", TransientRenderError, "closed"),
        ("", TransientRenderError, "psql exited with -9"),
    ],
)
def test_psql_s_exit_says_whose_fault_it_was(stderr: str, error: type[Exception], says: str) -> None:
    found = failure(stderr, -9)
    assert type(found) is error and says in found.cause


@pytest.mark.parametrize("password", ["p@ss:w/rd%41", "plain", None])
def test_psql_s_login_keeps_the_password_out_of_its_url(password: str | None) -> None:
    from sqlalchemy.engine import URL

    from agent.renderers.sql.extract.sources import _open

    url = URL.create(
        "postgresql+psycopg", "us@er", password, "db.internal", 5433, "sales", {"sslmode": "require"}
    )
    source = _open("db", url.render_as_string(hide_password=False))
    assert source.fast is not None and source.fast.copy is not None
    login = source.fast.copy
    assert login.password == password
    assert login.url == "postgresql://us%40er@db.internal:5433/sales?sslmode=require"
