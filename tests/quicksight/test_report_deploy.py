"""migrate reports --deploy against the QuickSight stand-in: created once, updated (a new version
published) the next time, never duplicated, granted to the group; refused inputs and a refused
account deploy nothing and say so in one line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.reports.deploy import NotDeployable, deploy
from sandbox.quicksight_double import QuickSightDouble

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "sandbox" / "powerbi" / "Sales.pbip"
GROUP = "arn:aws:quicksight:us-east-1:123456789012:group/default/report-readers"


@pytest.fixture
def pointed_at(quicksight: QuickSightDouble, monkeypatch: pytest.MonkeyPatch) -> QuickSightDouble:
    monkeypatch.setenv("AWS_ENDPOINT_URL_QUICKSIGHT", quicksight.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return quicksight


async def migrate(out: Path, account: str, *extra: str) -> int:
    args = ["reports", str(SALES), "--out", str(out), "--account", account, "--region", "us-east-1", *extra]
    return await asyncio.to_thread(main, args)


async def test_a_report_is_created_then_updated_never_duplicated(
    pointed_at: QuickSightDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assets = pointed_at.assets
    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    assert "dashboard created" in capsys.readouterr().out
    written = json.loads((tmp_path / "Sales" / "dashboard.json").read_text())
    (dashboard_id,) = assets.dashboards
    assert assets.dashboards[dashboard_id]["versions"][0]["Definition"] == written["Definition"]
    (data_set_id,) = assets.data_sets
    for arn in (assets.arn("dashboard", dashboard_id), assets.arn("dataset", data_set_id)):
        assert [g["Principal"] for g in assets.permissions[arn]] == [GROUP]

    assert await migrate(tmp_path, pointed_at.account_id, "--deploy", GROUP) == 0
    out = capsys.readouterr().out
    assert "dashboard updated (version 2 published)" in out and f"{data_set_id} updated" in out
    assert list(assets.dashboards) == [dashboard_id] and list(assets.data_sets) == [data_set_id]
    assert assets.dashboards[dashboard_id]["published"] == 2


async def test_another_account_is_refused_and_nothing_is_made(
    pointed_at: QuickSightDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await migrate(tmp_path, "999999999999", "--deploy", GROUP) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not deployed" in err and "AccessDenied" in err
    assert not pointed_at.assets.data_sets and not pointed_at.assets.dashboards


async def test_inputs_quicksight_would_refuse_are_not_deployed(
    pointed_at: QuickSightDouble, tmp_path: Path
) -> None:
    assert await migrate(tmp_path, pointed_at.account_id) == 0
    folder = tmp_path / "Sales"
    summary = json.loads((folder / "findings.json").read_text())
    summary["findings"].append({"code": "INVALID", "source": "dashboard", "why": "Name: 3000 characters"})
    (folder / "findings.json").write_text(json.dumps(summary))
    with pytest.raises(NotDeployable, match="3000 characters"):
        deploy(folder, object(), GROUP)
    assert not pointed_at.assets.data_sets
