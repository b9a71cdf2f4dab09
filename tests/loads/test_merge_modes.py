"""Each load mode into each database, and what a merge must never do twice or half."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from agent.jobs.errors import InvalidLoadError
from tests.loads.conftest import HEADER, Target, load_id


def csv_file(tmp_path: Path, *rows: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def row(ident: int, units: int = 1, note: str = "") -> str:
    return f"{ident},2024-05-0{1 + ident % 9},EMEA,{note},{units},{ident}.25,0.5,true,2024-05-01T10:00:00Z"


async def test_append_adds_the_files_rows_and_refuses_a_key_already_there(target: Target) -> None:
    dataset = target.dataset("append")
    await target.load(csv_file(target.work, row(1), row(2)), dataset)
    merged = await target.load(csv_file(target.work, row(3), name="g.csv"), dataset, key="sales/g.csv")
    assert merged.rows == 1
    assert await target.rows() == [(1, 1), (2, 1), (3, 1)]

    with pytest.raises(InvalidLoadError, match=r"primary key|refused"):
        await target.load(
            csv_file(target.work, row(4), row(2, units=9), name="h.csv"), dataset, key="sales/h.csv"
        )
    assert await target.rows() == [(1, 1), (2, 1), (3, 1)], "a refused append merged nothing"


async def test_upsert_updates_by_key_and_the_last_row_of_a_key_in_a_file_wins(target: Target) -> None:
    dataset = target.dataset("upsert")
    await target.load(csv_file(target.work, row(1), row(2)), dataset)
    later = csv_file(target.work, row(2, units=5), row(3), row(2, units=7), name="g.csv")
    await target.load(later, dataset, key="sales/g.csv")
    assert await target.rows() == [(1, 1), (2, 7), (3, 1)]


async def test_replace_makes_the_file_the_whole_table(target: Target) -> None:
    dataset = target.dataset("replace")
    await target.load(csv_file(target.work, row(1), row(2), row(3)), dataset)
    await target.load(csv_file(target.work, row(7, units=4), name="g.csv"), dataset, key="sales/g.csv")
    assert await target.rows() == [(7, 4)]


async def test_values_arrive_as_written(target: Target) -> None:
    dataset = target.dataset("append")
    tricky = [
        '1,2024-01-31,EMEA,"say ""hi"", then go",1,0.10,1e3,TRUE,2024-01-31 23:59:59.5',
        '2,2024-02-01,AMER,"",2,-3.00,,false,2024-02-01T08:00:00+02:00',
        "3,2024-02-02,APAC,NULL,3,4,,,",
        '4,2024-02-03,APAC,"NULL",4,5,-0.25,0,',
        '5,2024-02-04,EMEA,"two\nlines",5,6,,,',
        "6,2024-02-05,EMEA,ünïcødé ✓,6,7,,,",
    ]
    await target.load(csv_file(target.work, *tricky), dataset)
    got = await target.rows("id, note, amount, ratio, paid, at")
    notes = [r[1] for r in got]
    assert notes == ['say "hi", then go', "", "NULL", "NULL", "two\nlines", "ünïcødé ✓"]
    assert [Decimal(str(r[2])) for r in got] == [Decimal(x) for x in ("0.10", "-3.00", "4", "5", "6", "7")]
    assert got[0][3] == 1000.0 and got[1][3] is None and got[3][3] == -0.25
    assert [None if r[4] is None else bool(r[4]) for r in got] == [True, False, None, False, None, None]
    stamps = [r[5] if isinstance(r[5], datetime | None) else datetime.fromisoformat(str(r[5])) for r in got]
    assert stamps[0] == datetime(2024, 1, 31, 23, 59, 59, 500000)
    assert stamps[1] == datetime(2024, 2, 1, 6, 0, tzinfo=UTC).replace(tzinfo=None), "stored as UTC"
    assert stamps[2] is None
    day = (await target.rows("id, day"))[0][1]
    assert str(day) == str(date(2024, 1, 31))


async def test_a_redelivered_load_merges_nothing_twice(target: Target) -> None:
    dataset = target.dataset("append")
    source = csv_file(target.work, row(1), row(2))
    ident = load_id()
    first = await target.load(source, dataset, ident=ident)
    again = await target.load(source, dataset, ident=ident)
    assert (first.already_loaded, again.already_loaded) == (False, True)
    assert again.rows == 2, "the earlier load's figures come back"
    assert await target.rows() == [(1, 1), (2, 1)]
    assert await target.loads_recorded(ident) == 1


async def test_an_older_version_of_a_key_is_skipped_with_a_reason(target: Target) -> None:
    dataset = target.dataset("upsert")
    await target.load(csv_file(target.work, row(1, units=2)), dataset, sequencer="0062A1B2")
    older = await target.load(
        csv_file(target.work, row(1, units=9), name="old.csv"), dataset, sequencer="0062A1A0"
    )
    assert older.skipped is not None and "newer version of s3://" in older.skipped
    assert await target.rows() == [(1, 2)]
    newer = await target.load(
        csv_file(target.work, row(1, units=3), name="new.csv"), dataset, sequencer="62A1B3"
    )
    assert newer.skipped is None, "sequencers of different lengths compare by value"
    assert await target.rows() == [(1, 3)]


async def test_an_empty_data_file_appends_nothing_and_records_the_load(target: Target) -> None:
    dataset = target.dataset("append")
    ident = load_id()
    merged = await target.load(csv_file(target.work), dataset, ident=ident)
    assert merged.rows == 0
    assert await target.loads_recorded(ident) == 1
