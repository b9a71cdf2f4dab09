"""CSV injection: text a spreadsheet would run as a formula is written as text in CSV exports,
numbers and nulls are left alone, a report may keep the text as it is, and XLSX never holds a
formula (its cells are inline strings)."""

from __future__ import annotations

import csv
import io
import zipfile

import pyarrow as pa
import pytest

from agent.writers import make_encoder

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://evil.example")']
PLAIN = ["plain", "a=b", " =lead space", "", "'already"]


def rows(fmt: str, keep: bool = False, names: tuple[str, str, str] = ("text", "n", "neg")) -> bytes:
    values = HOSTILE + PLAIN + [None]
    batch = pa.RecordBatch.from_arrays(
        [
            pa.array(values, pa.string()),
            pa.array(range(len(values)), pa.int64()),
            pa.array([-1.5] * len(values), pa.float64()),
        ],
        names=list(names),
    )
    encoder = make_encoder(fmt, keep_formulas=keep)
    return encoder.encode(batch) + b"".join(encoder.finish(list(names)))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_formula_like_text_is_written_as_text_and_nothing_else_changes() -> None:
    header, *body = csv_rows(rows("csv"))
    assert header == ["text", "n", "neg"]
    assert [r[0] for r in body] == [f"'{v}" for v in HOSTILE] + PLAIN + [""]
    assert [r[2] for r in body] == ["-1.5"] * len(body), "numbers are never text"
    assert b'""' in rows("csv") and b",," not in rows("csv").split(b"\r\n")[-2][:2], "'' and null stay apart"


def test_a_report_for_machines_keeps_its_text() -> None:
    _, *body = csv_rows(rows("csv", keep=True))
    assert [r[0] for r in body][: len(HOSTILE)] == HOSTILE


def test_a_formula_like_column_name_is_text_too() -> None:
    header, *_ = csv_rows(rows("csv", names=("=cmd|' /C calc'!A0", "n", "-neg")))
    assert header == ["'=cmd|' /C calc'!A0", "n", "'-neg"]


@pytest.mark.parametrize("value", HOSTILE)
def test_xlsx_holds_no_formula_only_inline_strings(value: str) -> None:
    batch = pa.RecordBatch.from_arrays([pa.array([value])], names=["text"])
    encoder = make_encoder("xlsx")
    data = encoder.encode(batch) + b"".join(encoder.finish(["text"]))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert b't="inlineStr"' in sheet
