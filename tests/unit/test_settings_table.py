"""docs/agent.md's settings table is generated from AgentSettings: every field says what it does,
and the page holds the table the model generates today."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize("function", sorted(settings_table.FUNCTIONS))
def test_each_lambdas_table_has_a_row_per_variable_with_its_meaning(function: str) -> None:
    model = settings_table.FUNCTIONS[function]
    assert [
        name for name, field in model.model_fields.items() if not field.description or not field.alias
    ] == []
    section = settings_table.lambdas_tables().split(f"### {function}\n", 1)[1].split("###", 1)[0]
    rows = [r for r in section.splitlines() if r.startswith("| `")]
    assert len(rows) == len(model.model_fields)


def test_the_lambdas_page_holds_the_generated_tables_and_the_policys_defaults() -> None:
    tables = settings_table.lambdas_tables()
    assert "| `IDLE_TO_ZERO_SECONDS` | 600 (Policy's) |" in tables
    assert "| `PAGE_TOKEN_KEY_ID` | required |" in tables
    page = settings_table.LAMBDAS_PAGE.read_text()
    assert settings_table.render(page, settings_table.lambdas_tables) == page


def test_make_generate_writes_every_generated_file_each_with_a_staleness_test() -> None:
    """One command writes them all, and each kind has a test that fails while it is stale."""
    makefile = (settings_table.DOCS.parent / "Makefile").read_text()
    generate = re.search(r"^generate: (.*?) ##", makefile, re.M)
    assert generate is not None
    recipes = {
        target: re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.M) for target in generate[1].split()
    }
    commands = "".join(found[1] for found in recipes.values() if found is not None)
    for writer in ("tools.settings_table", "contracts.openapi", "contracts.generated"):
        assert f"-m {writer}" in commands, f"make generate does not run {writer}"
