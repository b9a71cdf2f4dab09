"""migrate reports: every Power BI format read into one model, converted to QuickSight inputs that
botocore's model accepts, with what did not convert in the findings; a file that cannot be read
at all exits 2 with one line, never a traceback."""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.reports.convert.dashboard import convert
from migrate.reports.convert.datasets import Target
from migrate.reports.convert.visuals import KINDS
from migrate.reports.model import FieldRef, Page, Report, Visual
from migrate.reports.read.errors import UnreadableReport
from migrate.reports.read.sources import read_source
from migrate.reports.validate import problems
from tests.support.powerbi import (
    column,
    container,
    layout,
    measure,
    shop_layout,
    shop_model,
    utf16,
    write_pbit,
)

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "sandbox" / "powerbi"
TARGET = Target("111122223333", "eu-west-1", "arn:aws:quicksight:eu-west-1:111122223333:datasource/r", "shop")


def test_the_sandbox_pbip_reads_pages_visuals_measures_and_roles() -> None:
    report = read_source(SALES / "Sales.pbip")
    assert report.model is not None and report.source_format == "pbip"
    assert [(p.name, p.display_name, len(p.visuals)) for p in report.pages] == [
        ("overview", "Overview", 11),
        ("detail", "Detail", 13),
    ]
    (sales,) = report.model.tables
    assert sales.source is not None and (sales.source.schema, sales.source.table) == ("reporting", "sales")
    assert len(sales.measures) == 24
    average = next(m for m in sales.measures if m.name == "Average Order")
    assert average.expression == "DIVIDE(\n\t[Revenue],\n\t[Orders]\n)", (
        "a multi-line measure keeps its lines"
    )
    assert {c.name for c in sales.columns if c.expression} == {"Unit Price", "Sale Year", "Region Label"}
    assert next((r.name, r.filters, r.members) for r in report.model.roles) == (
        "EMEA Readers",
        {"Sales": '[region] = "EMEA"'},
        ("alice@example.com",),
    )
    by_region = next(v for v in report.pages[0].visuals if v.name == "by_region")
    assert by_region.visual_type == "clusteredBarChart" and by_region.title == "Revenue by region"
    assert by_region.wells == {
        "Category": (FieldRef("Sales", "region", "column"),),
        "Y": (FieldRef("Sales", "Revenue", "measure"),),
    }


@pytest.mark.parametrize("entry", ["Sales.pbip", ".", "Sales.Report"])
def test_a_pbip_is_found_from_its_file_its_folder_or_its_report_folder(entry: str) -> None:
    assert read_source(SALES / entry).name == "Sales"


def test_the_sandbox_report_converts_with_its_findings_and_every_input_validates() -> None:
    converted = convert(read_source(SALES / "Sales.pbip"), TARGET)
    assert converted.coverage == "coverage: 17 of 19 data visuals, 22 of 24 measures; 2 decorations dropped"
    codes = sorted((f.code, f.source) for f in converted.findings)
    assert codes == [
        ("DAX_FUNCTION", "'Sales'[Region Code]"),
        ("DAX_SHAPE", "'Sales'[Top Products]"),
        ("DECORATION", "Detail/back"),
        ("DECORATION", "Overview/divider"),
        ("IMAGE", "Overview/logo"),
        ("NAME_CLASH", "'Sales'[Units]"),
        ("ROLE_FILTER", "role 'Big Sales' on 'Sales'"),
        ("VISUAL_TYPE", "Detail/custom"),
        ("VISUAL_TYPE", "Detail/qna"),
    ]
    (data_set,) = converted.data_sets
    assert problems("CreateDataSet", data_set) == []
    assert problems("CreateDashboard", converted.dashboard) == []
    assert converted.governance == {
        "governed": [{"table": "sales", "column": "region", "entitlement": "region"}],
        "entitlements": [{"subject": "alice@example.com", "params": {"region": ["EMEA"]}}],
    }
    assert data_set["RowLevelPermissionTagConfiguration"] == {
        "Status": "ENABLED",
        "TagRules": [
            {"TagKey": "region", "ColumnName": "region", "TagMultiValueDelimiter": ",", "MatchAllValue": "*"}
        ],
    }
    definition = converted.dashboard["Definition"]
    fields = {f["Name"]: f["Expression"] for f in definition["CalculatedFields"]}
    assert fields["Units (measure)"] == "sum({units})", "a measure named like a column is renamed"
    assert fields["Orders"] == "sum({Sales rows})"
    assert fields["Revenue YTD"] == "periodToDateSumOverTime(sum({amount}), {day}, YEAR)"
    overview, detail = definition["Sheets"]
    assert sorted(next(iter(v)) for v in overview["Visuals"]) == [
        "BarChartVisual",
        "BarChartVisual",
        "BarChartVisual",
        "KPIVisual",
        "KPIVisual",
        "LineChartVisual",
        "LineChartVisual",
    ]
    assert overview["TextBoxes"][0]["Content"] == "Sales at a glance"
    assert overview["FilterControls"][0]["Dropdown"]["Type"] == "MULTI_SELECT"
    assert {next(iter(v)) for v in detail["Visuals"]} == {
        "ComboChartVisual",
        "PieChartVisual",
        "FilledMapVisual",
        "FunnelChartVisual",
        "PivotTableVisual",
        "ScatterPlotVisual",
        "TableVisual",
        "TreeMapVisual",
        "WaterfallVisual",
    }


def test_a_pbit_with_a_star_joins_renames_and_reports_what_it_could_not(tmp_path: Path) -> None:
    report = read_source(write_pbit(tmp_path / "Shop.pbit"))
    assert report.source_format == "pbit"
    converted = convert(report, TARGET)
    (data_set,) = converted.data_sets
    assert (
        problems("CreateDataSet", data_set) == [] and problems("CreateDashboard", converted.dashboard) == []
    )
    joins = [
        t["Source"]["JoinInstruction"]
        for t in data_set["LogicalTableMap"].values()
        if "JoinInstruction" in t["Source"]
    ]
    assert [(j["Type"], j["OnClause"]) for j in joins] == [
        ("LEFT", "{product_id} = {Products product_id}"),
        ("LEFT", "{customer_id} = {Customers customer_id}"),
    ]
    created = [
        c
        for t in data_set["LogicalTableMap"].values()
        for step in t.get("DataTransforms", [])
        for c in step.get("CreateColumnsOperation", {}).get("Columns", [])
    ]
    assert {c["ColumnName"]: c["Expression"] for c in created} == {
        "Orders rows": "1",
        "Orders Category": "{category}",
    }
    codes = {f.code for f in converted.findings}
    assert codes == {
        "RELATIONSHIP_BOTH",
        "RELATIONSHIP_INACTIVE",
        "TABLE_SOURCE",
        "DAX_SHAPE",
        "TABLE_UNJOINED",
        "VISUAL_FIELDS",
        "VISUAL_UNREADABLE",
        "NAME_CLASH",
    }
    assert converted.coverage.startswith("coverage: 3 of 5 data visuals, 3 of 4 measures")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mapped_visual_type_becomes_a_definition_botocore_accepts(kind: str) -> None:
    base = read_source(SALES / "Sales.pbip")
    # one field in the first role of each well: a column, a measure, and an aggregated column
    made = {
        "dimension": FieldRef("Sales", "region", "column"),
        "measure": FieldRef("Sales", "Revenue", "measure"),
        "table": FieldRef("Sales", "product", "aggregation", "DistinctCount"),
    }
    refs: dict[str, tuple[FieldRef, ...]] = {roles[0]: (made[sort],) for roles, _, sort in KINDS[kind].wells}
    if KINDS[kind].wells[0][2] == "table":
        refs["Values"] = (FieldRef("Sales", "region", "column"), made["table"], made["measure"])
    visual = Visual("v", kind, refs, "a title", (10, 10, 300, 200))
    report = Report("One", "pbip", (Page("p", "Page", (visual,)),), base.model)
    converted = convert(report, TARGET)
    assert converted.visuals_converted == 1, [f.why for f in converted.findings]
    assert problems("CreateDashboard", converted.dashboard) == []


def test_a_period_measure_on_a_visual_without_its_date_is_a_finding() -> None:
    base = read_source(SALES / "Sales.pbip")
    without = Visual("v", "card", {"Values": (FieldRef("Sales", "Revenue YTD", "measure"),)})
    with_date = Visual(
        "w",
        "lineChart",
        {
            "Category": (FieldRef("Sales", "day", "column"),),
            "Y": (FieldRef("Sales", "Revenue YTD", "measure"),),
        },
    )
    converted = convert(Report("P", "pbip", (Page("p", "P", (without, with_date)),), base.model), TARGET)
    about_visuals = [(f.code, f.source) for f in converted.findings if f.source.startswith("P/")]
    assert about_visuals == [("PERIOD_NEEDS_DATE", "P/v")]
    assert converted.visuals_converted == 1


def test_the_validator_catches_what_botocores_leaves_out() -> None:
    converted = convert(read_source(SALES / "Sales.pbip"), TARGET)
    dashboard = json.loads(json.dumps(converted.dashboard))
    dashboard["Definition"]["Sheets"][0]["Name"] = "x" * 3000
    dashboard["Definition"]["Sheets"][0]["Visuals"][1]["BarChartVisual"]["ChartConfiguration"][
        "Orientation"
    ] = "DIAGONAL"
    dashboard["Definition"]["Sheets"] *= 30
    found = problems("CreateDashboard", dashboard)
    assert any("Sheets" in p and "at most" in p for p in found)
    assert any("Name: 3000 characters" in p for p in found)
    assert any("'DIAGONAL' is not one of" in p for p in found)


def run(*args: str | Path) -> int:
    return main(["reports", *map(str, args)])


def test_the_cli_writes_a_folder_per_report_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    write_pbit(tmp_path / "in" / "Shop.pbit")
    assert run(SALES / "Sales.pbip", tmp_path / "in", "--out", tmp_path / "out") == 0
    out = capsys.readouterr().out
    assert "Sales: coverage: 17 of 19 data visuals" in out and "Shop: coverage: 3 of 5" in out
    for name in ("Sales", "Shop"):
        folder = tmp_path / "out" / name
        summary = json.loads((folder / "findings.json").read_text())
        assert summary["coverage"].startswith("coverage:") and summary["findings"]
        assert (folder / "findings.md").read_text().startswith(f"# {name}: what needs a person")
        dashboard = json.loads((folder / "dashboard.json").read_text())
        assert problems("CreateDashboard", dashboard) == []
        for path in (folder / "datasets").glob("*.json"):
            assert problems("CreateDataSet", json.loads(path.read_text())) == []


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return path


def unreadable_sources(tmp: Path) -> dict[str, tuple[Path, str]]:
    whole = write_pbit(tmp / "whole.pbit").read_bytes()
    (tmp / "truncated.pbit").write_bytes(whole[: len(whole) // 2])
    (tmp / "text.pbix").write_text("not a zip")
    traversal = tmp / "escape"
    shutil.copytree(SALES, traversal)
    (traversal / "Sales.Report" / "definition.pbir").write_text(
        json.dumps({"datasetReference": {"byPath": {"path": "../../../etc"}}})
    )
    live = tmp / "live"
    shutil.copytree(SALES, live)
    (live / "Sales.Report" / "definition.pbir").write_text(
        json.dumps({"datasetReference": {"byConnection": {"connectionString": "Data Source=powerbi://x"}}})
    )
    bad_tmdl = tmp / "badtmdl"
    shutil.copytree(SALES, bad_tmdl)
    (bad_tmdl / "Sales.SemanticModel" / "definition" / "tables" / "Sales.tmdl").write_text("table 'Sales\n")
    return {
        "truncated zip": (tmp / "truncated.pbit", "not a Power BI file"),
        "not a zip": (tmp / "text.pbix", "not a Power BI file"),
        "live connection pbix": (
            _zip(tmp / "live.pbix", {"Report/Layout": utf16(shop_layout()), "Connections": b"{}"}),
            "live-connection",
        ),
        "damaged compressed model": (
            _zip(tmp / "model.pbix", {"Report/Layout": utf16(shop_layout()), "DataModel": b"\0" * 64}),
            "its DataModel cannot be decoded",
        ),
        "no layout": (
            _zip(tmp / "nolayout.pbit", {"DataModelSchema": utf16(shop_model())}),
            "no report layout",
        ),
        "layout not json": (
            write_pbit(tmp / "badlayout.pbit", parts={"Report/Layout": b"\xff\xfe{{{"}),
            "not a Power BI layout",
        ),
        "model not an object": (
            write_pbit(tmp / "list.pbit", parts={"DataModelSchema": "[]".encode("utf-16-le")}),
            "not a TMSL model",
        ),
        "model without tables": (
            write_pbit(tmp / "notables.pbit", model={"model": {"tables": "x"}}),
            "no model with tables",
        ),
        "a malformed table": (
            write_pbit(tmp / "badtable.pbit", model={"model": {"tables": [{"columns": []}]}}),
            "malformed",
        ),
        "not a report file": (tmp / "text.pbix".replace("pbix", "pbix"), "not a Power BI file"),
        "model path leaves the project": (traversal / "Sales.pbip", "leaves the project folder"),
        "live connection pbip": (live / "Sales.pbip", "live-connection"),
        "unterminated tmdl name": (bad_tmdl / "Sales.pbip", "unterminated quoted name"),
        "missing": (tmp / "nothing-here.pbit", "no such file"),
    }


def test_each_unreadable_source_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for label, (path, message) in unreadable_sources(tmp_path).items():
        assert run(path, "--out", tmp_path / "out") == 2, label
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and message in err, (label, err)
        assert "Traceback" not in err


def test_a_utf8_layout_where_utf16_is_expected_is_still_read(tmp_path: Path) -> None:
    path = write_pbit(tmp_path / "utf8.pbit", parts={"Report/Layout": json.dumps(shop_layout()).encode()})
    assert len(read_source(path).pages) == 2


def test_one_unreadable_source_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.pbix").write_text("x")
    write_pbit(tmp_path / "Shop.pbit")
    assert run(tmp_path, "--out", tmp_path / "out") == 2
    assert (tmp_path / "out" / "Shop" / "dashboard.json").is_file()


def test_hostile_names_stay_inside_the_output_folder(tmp_path: Path) -> None:
    model = shop_model()
    model["model"]["tables"][0]["measures"].append({"name": "x}; DROP", "expression": "SUM(Orders[amount])"})
    pbit = write_pbit(tmp_path / "..%2F..%2Fevil.pbit", model=model)
    assert run(pbit, "--out", tmp_path / "out") == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["_2F.._2Fevil"]
    dashboard = json.loads((tmp_path / "out" / "_2F.._2Fevil" / "dashboard.json").read_text())
    fields = {f["Name"] for f in dashboard["Definition"]["CalculatedFields"]}
    assert "x}; DROP" in fields, "a name is data in the definition, never spliced into an expression"


def test_a_report_is_not_read_when_a_member_claims_to_be_huge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrate.reports.read import sources

    monkeypatch.setattr(sources, "MAX_PART_BYTES", 1000)
    with pytest.raises(UnreadableReport, match="larger than"):
        read_source(write_pbit(tmp_path / "big.pbit"))


@pytest.mark.parametrize(
    ("filters", "governed", "refused"),
    [
        ({"Customers": '[country] = "UK"'}, {"customers": "country"}, 0),
        ({"Customers": '\'Customers\'[country] IN {"UK", "FR"}'}, {"customers": "country"}, 0),
        ({"Customers": '[country] = "UK" || [country] = "DE"'}, {"customers": "country"}, 0),
        ({"Customers": '[country] <> "UK"'}, {}, 1),
        ({"Customers": '[country] = "UK" && [customer_id] = 1'}, {}, 1),
        ({"Customers": '[country] = "UK" || [customer_id] = "1"'}, {}, 1),
        ({"Customers": "[country] IN {1, 2}"}, {}, 1),
        ({"Customers": "USERPRINCIPALNAME() = [country]"}, {}, 1),
        ({"Customers": '[nope] = "UK"'}, {}, 1),
        ({"Customers": '[country] = "UK'}, {}, 1),
        ({"Notes": '[text] = "x"'}, {}, 1),
        ({"Customers": "'Orders'[name] = \"x\""}, {}, 1),
    ],
)
def test_a_role_becomes_a_governed_table_only_when_it_filters_one_column_by_values(
    tmp_path: Path, filters: dict[str, str], governed: dict[str, str], refused: int
) -> None:
    model = shop_model()
    model["model"]["roles"] = [
        {
            "name": "R",
            "tablePermissions": [{"name": t, "filterExpression": e} for t, e in filters.items()],
            "members": [{"memberName": "bob@example.com"}],
        }
    ]
    converted = convert(read_source(write_pbit(tmp_path / "Roles.pbit", model=model)), TARGET)
    assert {g["table"]: g["column"] for g in converted.governance["governed"]} == governed
    assert sum(f.code == "ROLE_FILTER" for f in converted.findings) == refused
    if governed:
        (entitlement,) = converted.governance["entitlements"]
        assert entitlement["subject"] == "bob@example.com" and entitlement["params"]["country"]


def test_the_catalog_entries_parse_and_name_the_dashboard_sheet_by_sheet(tmp_path: Path) -> None:
    from agent.renderers.quicksight.source import QuickSightSource
    from contracts.catalog import parse_catalog

    assert run(SALES / "Sales.pbip", "--out", tmp_path) == 0
    dashboard = json.loads((tmp_path / "Sales" / "dashboard.json").read_text())
    catalog = parse_catalog("version = 1\n" + (tmp_path / "Sales" / "catalog.toml").read_text())
    assert sorted(catalog.reports) == ["sales_detail", "sales_overview"]
    sheets = {s["SheetId"]: s for s in dashboard["Definition"]["Sheets"]}
    for report in catalog.reports.values():
        source = QuickSightSource(**report.source)
        assert source.dashboard_id == dashboard["DashboardId"] and source.sheet_id in sheets
        visual_ids = {next(iter(v.values()))["VisualId"] for v in sheets[source.sheet_id]["Visuals"]}
        assert set(source.visual_ids) <= visual_ids
        assert [(g.datasource, g.table, g.spec.column) for g in report.governed] == [
            ("reporting", "sales", "region")
        ]


def test_the_sandbox_catalogs_migrated_report_names_what_migrate_reports_writes(tmp_path: Path) -> None:
    """sandbox/catalog/reports.toml copies the ids of the migrated dashboard: held here."""
    from contracts.catalog import parse_catalog

    assert run(SALES / "Sales.pbip", "--out", tmp_path, "--catalog-datasource", "demo") == 0
    written = parse_catalog("version = 1\n" + (tmp_path / "Sales" / "catalog.toml").read_text())
    sandbox = parse_catalog((ROOT / "sandbox" / "catalog" / "reports.toml").read_bytes())
    migrated, overview = sandbox.reports["sales_migrated"], written.reports["sales_overview"]
    assert (migrated.source["dashboard_id"], migrated.source["sheet_id"]) == (
        overview.source["dashboard_id"],
        overview.source["sheet_id"],
    )
    dashboard = json.loads((tmp_path / "Sales" / "dashboard.json").read_text())
    (sheet,) = [s for s in dashboard["Definition"]["Sheets"] if s["SheetId"] == migrated.source["sheet_id"]]
    assert set(migrated.source["visual_ids"]) <= {
        next(iter(v.values()))["VisualId"] for v in sheet["Visuals"]
    }
    assert [(g.datasource, g.table) for g in migrated.governed] == [("demo", "sales")]


def test_public_sample_shapes_a_measures_table_groups_and_long_names(tmp_path: Path) -> None:
    """Shapes met in Power BI's public samples: measures filed under a table with no columns,
    visual groups, tables read from files (converted by name when asked) and long table names."""
    model = shop_model()
    tables = model["model"]["tables"]
    long_name = "LocalDateTable_d10bc129-7e77-4c5a-b3dd-b8487b54dfe3"
    tables[1]["name"] = long_name  # Products, renamed as Power BI names its date tables
    for relationship in model["model"]["relationships"]:
        relationship["toTable"] = (
            long_name if relationship["toTable"] == "Products" else relationship["toTable"]
        )
    tables[0]["calculated"] = []
    tables[0]["columns"] = [c for c in tables[0]["columns"] if c.get("type") != "calculated"]
    tables.append(
        {"name": "Measures", "measures": [{"name": "Big Sales", "expression": "SUM(Orders[amount]) * 2"}]}
    )
    report = write_pbit(
        tmp_path / "Samples.pbit",
        model=model,
        report=layout(
            (
                "P",
                [
                    container("big", "card", {"Values": [measure("Measures", "Big Sales")]}),
                    container("notes", "tableEx", {"Values": [column("Notes", "text")]}),
                    {
                        "x": 0,
                        "y": 0,
                        "width": 5,
                        "height": 5,
                        "config": json.dumps({"name": "g", "singleVisualGroup": {}}),
                    },
                ],
            )
        ),
    )
    plain = convert(read_source(report), TARGET)
    assert [f.code for f in plain.findings if f.source.startswith("P/")] == ["TABLE_UNJOINED"]
    assert plain.visuals_converted == 1 and plain.data_visuals == 2, (
        "the group is neither a visual nor a finding"
    )
    by_name = convert(read_source(report), replace(TARGET, tables_by_name=True))
    assert by_name.visuals_converted == 2
    assert any(f.code == "TABLE_SOURCE" and f.target == "Notes" for f in by_name.findings)
    for converted in (plain, by_name):
        assert all(problems("CreateDataSet", d) == [] for d in converted.data_sets)
        assert problems("CreateDashboard", converted.dashboard) == []


def test_a_pbix_model_is_read_from_pbixrays_frames() -> None:
    """pbixray decodes the DataModel (no PBIX of our own can be authored: only Power BI Desktop
    writes one); its frames become the model, empty ones (no measures, no roles) included."""
    import pandas as pd

    from migrate.reports.read.pbix_model import data_type, model_of

    class Decoded:
        schema = pd.DataFrame(
            {
                "TableName": ["Sales", "Sales", "Sales", "Region"],
                "ColumnName": ["amount", "day", "region", "region"],
                "PandasDataType": ["float64", "datetime64[ns]", "string", "string"],
            }
        )
        dax_columns = pd.DataFrame()
        dax_measures = pd.DataFrame(
            {
                "TableName": ["Sales", "Measures"],
                "Name": ["Revenue", "Twice"],
                "Expression": ["SUM(Sales[amount])", "[Revenue] * 2"],
            }
        )
        power_query = pd.DataFrame(
            {
                "TableName": ["Sales"],
                "Expression": [
                    'let S = Sql.Database("h", "d"), t = S{[Schema="dbo",Item="sales"]}[Data] in t'
                ],
            }
        )
        relationships = pd.DataFrame(
            {
                "FromTableName": ["Sales"],
                "FromColumnName": ["region"],
                "ToTableName": ["Region"],
                "ToColumnName": ["region"],
                "IsActive": [1],
                "CrossFilteringBehavior": ["Both"],
            }
        )
        rls = pd.DataFrame(
            {"RoleName": ["EU"], "TableName": ["Region"], "FilterExpression": ['[region] = "EMEA"']}
        )

    model = model_of(Decoded())
    assert [(t.name, len(t.columns), len(t.measures)) for t in model.tables] == [
        ("Sales", 3, 1),
        ("Region", 1, 0),
        ("Measures", 0, 1),
    ]
    sales = model.tables[0]
    assert sales.source is not None and (sales.source.schema, sales.source.table) == ("dbo", "sales")
    assert [c.data_type for c in sales.columns] == ["double", "dateTime", "string"]
    (relationship,) = model.relationships
    assert relationship.active and relationship.both_directions
    assert model.roles[0].filters == {"Region": '[region] = "EMEA"'}
    empty = type(
        "Empty",
        (),
        {
            k: pd.DataFrame()
            for k in ("schema", "dax_columns", "dax_measures", "power_query", "relationships", "rls")
        },
    )
    assert model_of(empty()) == type(model)()
    assert (data_type("Int64"), data_type("boolean"), data_type("Decimal"), data_type("weird")) == (
        "int64",
        "boolean",
        "double",
        "string",
    )
