"""``migrate schema`` as a user runs it: exit 0 with nothing to act on, 1 with something (the
script still written), 2 with one line for input it cannot read; SSMS's UTF-16 files read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate.cli import main

CLEAN = "CREATE TABLE dbo.t (id INT NOT NULL PRIMARY KEY, name NVARCHAR(20) NULL);\n"


def run(tmp_path: Path, source: Path) -> tuple[int, Path, dict[str, object]]:
    output, report = tmp_path / "out.sql", tmp_path / "report.json"
    code = main(["schema", str(source), "-o", str(output), "--report", str(report)])
    return code, output, json.loads(report.read_text()) if report.exists() else {}


def test_a_clean_script_exits_0_and_writes_the_mysql(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "clean.sql"
    source.write_text(CLEAN)
    code, output, report = run(tmp_path, source)
    assert code == 0
    assert (
        "CREATE TABLE `t` (\n  `id` INT NOT NULL,\n  `name` VARCHAR(20) NULL,\n  PRIMARY KEY (`id`)\n)"
        in (output.read_text())
    )
    assert report["complete"] is True and report["tables"] == ["dbo.t"]
    assert "1 tables" in capsys.readouterr().out


def test_ssms_utf16_scripts_are_read(tmp_path: Path) -> None:
    source = tmp_path / "ssms.sql"
    source.write_bytes(b"\xff\xfe" + CLEAN.replace("name", "n\u00e4me").encode("utf-16-le"))
    code, output, _ = run(tmp_path, source)
    assert code == 0 and "`n\u00e4me` VARCHAR(20)" in output.read_text()


def test_something_to_act_on_exits_1_and_still_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "computed.sql"
    source.write_text("CREATE TABLE dbo.t (a INT, b AS (a * 2));\n")
    code, output, report = run(tmp_path, source)
    assert code == 1
    assert "`a` INT NULL" in output.read_text()
    assert report["complete"] is False
    assert "ACTION dbo.t.b: computed column" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("ddl", "message"),
    [
        ("CREATE TABLE dbo.t (a INT,\n b INT FROB)", "line 2: unexpected 'FROB' in column b"),
        ("CREATE TABLE dbo.t a INT", "line 1: expected ( after the table's name"),
        ("CREATE TABLE dbo.t (a INT", "line 1: table dbo.t ends before its closing )"),
    ],
)
def test_unreadable_ddl_exits_2_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ddl: str, message: str
) -> None:
    source = tmp_path / "bad.sql"
    source.write_text(ddl)
    code, output, _ = run(tmp_path, source)
    err = capsys.readouterr().err
    assert code == 2 and not output.exists()
    assert err.count("\n") == 1 and message in err, err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(tmp_path, tmp_path / "nope.sql")
    assert code == 2 and "nope.sql" in capsys.readouterr().err
