"""docs/agent.md's settings table is generated from AgentSettings: every field says what it does,
and the page holds the table the model generates today."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.settings import AgentSettings
from tools import settings_table


def test_every_setting_has_a_description() -> None:
    assert [name for name, field in AgentSettings.model_fields.items() if not field.description] == []


def test_the_page_holds_the_generated_table() -> None:
    page = settings_table.PAGE.read_text()
    assert settings_table.render(page) == page, "run: python -m tools.settings_table"
    assert settings_table.main(["--check"]) == 0


def test_the_table_has_one_row_per_setting_with_its_default() -> None:
    rows = settings_table.table().splitlines()[2:]
    assert len(rows) == len(AgentSettings.model_fields)
    assert "| `SNAPSHOT_QUEUE_URL` | required | the jobs queue |" in rows
    assert any(r.startswith("| `SNAPSHOT_MULTIPART_THRESHOLD_BYTES` | 8 MiB |") for r in rows)
    assert any(r.startswith("| `SNAPSHOT_WORKER_ID` | hostname:pid |") for r in rows)


def test_a_stale_page_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = settings_table.PAGE.read_text().replace("| the jobs queue |", "| a queue |")
    page = tmp_path / "agent.md"
    page.write_text(stale)
    monkeypatch.setattr(settings_table, "TABLES", {page: settings_table.table})
    assert settings_table.main(["--check"]) == 1
    assert settings_table.main([]) == 0
    assert settings_table.main(["--check"]) == 0


def test_the_scaler_table_gives_each_knob_the_policys_own_default() -> None:
    from lambdas.scaler import POLICY_ENVIRONMENT, POLICY_MEANING

    rows = settings_table.scaler_table().splitlines()[2:]
    assert len(rows) == len(POLICY_ENVIRONMENT) and set(POLICY_MEANING) == set(POLICY_ENVIRONMENT)
    assert "| `IDLE_TO_ZERO_SECONDS` | 600 |" in "\n".join(rows)
    page = settings_table.SCALER_PAGE.read_text()
    assert settings_table.render(page, settings_table.scaler_table) == page
