"""Files a load must refuse, whole or row by row, with a reason a person can act on."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agent.jobs.errors import InvalidLoadError
from agent.jobs.load.parsers import MAX_ROW_BYTES
from agent.jobs.load.prepare import CsvSpool, Prepared, prepare
from contracts.datasets import FileFormat
from tests.loads.conftest import HEADER, sales_dataset

GOOD = "1,2024-05-01,EMEA,,3,1.25,0.5,true,2024-05-01T10:00:00Z"


def prepared(tmp_path: Path, body: bytes, fmt: FileFormat = "csv") -> Prepared:
    source = tmp_path / f"in.{fmt}"
    source.write_bytes(body)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return prepare(source, fmt, sales_dataset(), CsvSpool, work, threading.Event())


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def spooled(result: Prepared) -> str:
    return "".join(part.read_text() for part in result.parts)


def rejects(result: Prepared) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.rejects.read_text().splitlines()]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,day,region,units,amount,colour", "colour that dataset 'sales' does not declare"),
        ("id,day,units,amount", "lacks required column(s) region"),
        ("id,id,day,region,units,amount", "repeats column(s) id"),
    ],
)
def test_a_wrong_header_fails_the_file(tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(InvalidLoadError) as failure:
        prepared(tmp_path, csv(header, "1,2024-01-01,EMEA,1,1"))
    assert message in failure.value.cause


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(tmp_path: Path) -> None:
    result = prepared(tmp_path, csv("amount,units,region,day,id", "1.5,2,EMEA,2024-01-01,7"))
    assert (result.good_rows, result.rejected_rows) == (1, 0)
    assert spooled(result) == '7,2024-01-01,"EMEA",NULL,2,1.50,NULL,NULL,NULL\n'


def test_each_bad_row_is_rejected_with_its_reason_and_the_good_ones_kept(tmp_path: Path) -> None:
    result = prepared(
        tmp_path,
        csv(
            HEADER,
            GOOD,
            "2,2024-02-30,EMEA,,3,1.25,,,",
            "3,2024-05-01,EMEA,,three,1.25,,,",
            "4,2024-05-01,EMEA,,3,1.255,,,",
            "5,2024-05-01,EMEA-WEST-1,,3,1.25,,,",
            "6,2024-05-01,,,3,1.25,,,",
            "7,2024-05-01,EMEA,,3,1.25,nan,,",
            "8,2024-05-01,EMEA,,3,1.25,,maybe,",
            "9,2024-05-01,EMEA,,3,1.25,,,yesterday",
            "10,2024-05-01,EMEA",
            "11,2024-05-01,EMEA,,3,1.25,0.5,true,2024-05-01 10:00:00",
        ),
    )
    assert (result.good_rows, result.rejected_rows) == (2, 9)
    reasons = {r["where"]: r["reason"] for r in rejects(result)}
    assert reasons == {
        "line 11": "expected 9 fields, found 3",
        "record 2": "day: '2024-02-30' is not a date (YYYY-MM-DD)",
        "record 3": "units: 'three' is not a whole number (64-bit)",
        "record 4": "amount: '1.255' is not a decimal of at most 12 digits, 2 after the point",
        "record 5": "region is longer than 8 characters",
        "record 6": "region is empty",
        "record 7": "ratio is not a finite number",
        "record 8": "paid: 'maybe' is not true, false, 1 or 0",
        "record 9": "at: 'yesterday' is not a timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])",
    }
    records = {r["where"]: r["record"] for r in rejects(result)}
    assert records["record 3"]["units"] == "three", "the row as the file wrote it"  # type: ignore[index]


def test_a_bad_row_among_many_costs_no_good_row(tmp_path: Path) -> None:
    lines = [f"{n},2024-05-01,EMEA,,{n},1.25,,," for n in range(1, 20_001)]
    lines[12_345] = "12346,2024-05-01,EMEA,,x,1.25,,,"
    result = prepared(tmp_path, csv(HEADER, *lines))
    assert (result.good_rows, result.rejected_rows) == (19_999, 1)
    assert rejects(result)[0]["where"] == "record 12346"


@pytest.mark.parametrize(
    ("body", "fmt", "message"),
    [
        (b"", "csv", "the file is empty"),
        (gzip.compress(csv(HEADER, GOOD))[:-12], "csv.gz", "cut short or damaged"),
        (b"not gzip at all", "csv.gz", "cannot be read as csv.gz"),
        (csv(HEADER, GOOD).replace(b"EMEA", b"caf\xe9"), "csv", "not UTF-8"),
        (b"PAR1 this is not parquet", "parquet", "cannot be read as parquet"),
        (b'{"id": 1, "note": "caf\xe9"}\n', "jsonl", "line 1 is not UTF-8"),
    ],
    ids=[
        "empty",
        "truncated-gzip",
        "not-gzip",
        "not-utf8",
        "not-parquet",
        "jsonl-utf8",
    ],
)
def test_an_unreadable_file_fails_whole(tmp_path: Path, body: bytes, fmt: FileFormat, message: str) -> None:
    with pytest.raises(InvalidLoadError) as failure:
        prepared(tmp_path, body, fmt)
    assert message in failure.value.cause


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_row_too_long_is_rejected_and_the_rest_loads(tmp_path: Path, fmt: FileFormat) -> None:
    huge = "x" * (MAX_ROW_BYTES + 10)
    if fmt == "csv":
        body = csv(HEADER, GOOD, f"2,2024-05-01,EMEA,{huge},3,1.25,,,", GOOD.replace("1,", "3,", 1))
    else:
        rows = [{"id": n, "day": "2024-05-01", "region": "EMEA", "units": 1, "amount": 1} for n in (1, 2, 3)]
        rows[1]["note"] = huge
        body = "".join(json.dumps(r) + "\n" for r in rows).encode()
    result = prepared(tmp_path, body, fmt)
    assert (result.good_rows, result.rejected_rows) == (2, 1)
    [reject] = rejects(result)
    assert "longer than 1024 KiB" in str(reject["reason"])
    assert len(json.dumps(reject)) < 3000, "the rejects file keeps a prefix, not the megabyte"


def test_an_unclosed_quote_fails_the_file(tmp_path: Path) -> None:
    body = csv(HEADER, GOOD, '2,2024-05-01,EMEA,"never closed,3,1.25,,,') + b"y," * MAX_ROW_BYTES
    with pytest.raises(InvalidLoadError, match="without ending"):
        prepared(tmp_path, body)


def test_json_lines_reject_what_is_not_a_flat_object_of_known_fields(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "day": "2024-05-01", "region": "EMEA", "units": 3, "amount": 1.25, "paid": True},
        [1, 2],
        {"id": 2, "colour": "red"},
        {"id": 3, "day": "2024-05-01", "region": {"name": "EMEA"}, "units": 1, "amount": 1},
        {"id": 4, "day": "2024-05-01", "region": "AMER", "units": 1.5, "amount": 1},
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode() + b"\n{broken\n\n"
    result = prepared(tmp_path, gzip.compress(body), "jsonl.gz")
    assert (result.good_rows, result.rejected_rows) == (1, 5)
    reasons = [r["reason"] for r in rejects(result)]
    assert reasons[:3] == ["not a JSON object", "unknown field(s) colour", "region is not a single value"]
    assert str(reasons[3]).startswith("not JSON")
    assert reasons[4] == "units: '1.5' is not a whole number (64-bit)"
    assert spooled(result) == '1,2024-05-01,"EMEA",NULL,3,1.25,NULL,1,NULL\n'


def test_parquet_keeps_its_types_and_casts_what_fits(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2], pa.int32()),
            "day": pa.array(["2024-05-01", "someday"]),
            "region": ["EMEA", "AMER"],
            "units": pa.array([3, 4], pa.int16()),
            "amount": pa.array([1.5, 2.0]),
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    result = prepare(
        tmp_path / "in.parquet", "parquet", sales_dataset(), CsvSpool, tmp_path, threading.Event()
    )
    assert (result.good_rows, result.rejected_rows) == (1, 1)
    assert spooled(result) == '1,2024-05-01,"EMEA",NULL,3,1.50,NULL,NULL,NULL\n'
