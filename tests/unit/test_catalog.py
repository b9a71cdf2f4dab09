from __future__ import annotations

from pathlib import Path

import pytest

from contracts.catalog import CatalogError, ParamsError, parse_catalog
from contracts.catalog_dirs import SANDBOX

ROOT = Path(__file__).resolve().parents[2]
CATALOG = parse_catalog(SANDBOX.reports.read_text())


def test_sample_catalog_loads() -> None:
    assert {"sales_summary", "daily_sales", "sales_ledger", "inventory_levels"} <= set(CATALOG.reports)
    summary = CATALOG.reports["sales_summary"]
    assert summary.renderer == "sql"
    assert summary.source["datasource"] == "demo"
    assert [r.name for r in CATALOG.reports_for_dataset("sales")] == ["sales_summary", "sales_ledger"]


def test_defaults_are_filled_and_types_checked() -> None:
    summary = CATALOG.reports["sales_summary"]
    assert summary.normalise_params({}) == {"region": "EMEA", "since": "2024-01-01"}
    assert summary.normalise_params({"region": "APAC", "since": "2023-02-01"}) == {
        "region": "APAC",
        "since": "2023-02-01",
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"country": "FR"}, "param 'country' is not declared"),
        ({"region": "MARS"}, "must be one of"),
        ({"region": 3}, "must be a string"),
        ({"since": "yesterday"}, "must be a date"),
        ({"since": 20240101}, "must be a date"),
    ],
)
def test_bad_params_name_the_problem(params: dict[str, object], message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        CATALOG.reports["sales_summary"].normalise_params(params)


def test_integer_rules() -> None:
    daily = CATALOG.reports["daily_sales"]
    with pytest.raises(ParamsError, match="'region' is required"):
        daily.normalise_params({})
    for bad in ("2024", True, 2024.0):
        with pytest.raises(ParamsError, match="must be an integer"):
            daily.normalise_params({"region": "EMEA", "year": bad})
    with pytest.raises(ParamsError, match=">= 2023"):
        daily.normalise_params({"region": "EMEA", "year": 2022})
    with pytest.raises(ParamsError, match="<= 2024"):
        daily.normalise_params({"region": "EMEA", "year": 2025})


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ParamsError) as raised:
        CATALOG.reports["daily_sales"].normalise_params({"year": "x", "extra": 1})
    assert len(raised.value.problems) == 3


OPEN = '[reports.x.access]\ncallers = ["*"]\n'
RLS = '[reports.x.source]\nrow_level_tags = { region = "{region}" }\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("version = 1\n", "no \\[reports"),
        ('[reports.x]\nrenderer = "sql"\nformats = ["doc"]\n' + OPEN, "unknown formats"),
        ('[reports.x]\nrenderer = "sql"\nformats = ["csv"]\nbogus = 1\n' + OPEN, "reports.x.bogus"),
        (
            '[reports.x]\nrenderer = "sql"\nformats = ["csv"]\n[reports.x.params.n]\ntype = "integer"\n'
            'default = "ten"\n' + OPEN,
            "default of 'n'",
        ),
        ('[reports.X]\nrenderer = "sql"\nformats = ["csv"]\n' + OPEN.replace(".x.", ".X."), "reports.X.name"),
        ('[reports.x]\nrenderer = "sql"\nformats = ["csv"]\n', "reports.x.access: Field required"),
        ('[reports.x]\nrenderer = "sql"\nformats = ["csv"]\n[reports.x.access]\ncallers = []\n', "callers"),
        (
            '[reports.x]\nrenderer = "sql"\nformats = ["csv"]\n' + OPEN + 'entitled = ["region"]\n',
            "undeclared params \\['region'\\]",
        ),
        (
            '[reports.x]\nrenderer = "quicksight"\nformats = ["pdf"]\n[reports.x.params.region]\n'
            'type = "string"\n' + RLS + OPEN,
            "row_level_tags is gone: declare the governed table",
        ),
    ],
)
def test_bad_catalogs_are_rejected_with_a_location(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(text)
