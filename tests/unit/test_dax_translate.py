"""Every row of the DAX mapping table, each refused shape with its reason code, and hostile text."""

from __future__ import annotations

import pytest

from migrate.reports.dax.parse import DaxError, parse
from migrate.reports.dax.translate import Context, translate

COLUMNS = {
    ("Sales", "amount"): "amount",
    ("Sales", "units"): "units",
    ("Sales", "region"): "region",
    ("Sales", "day"): "day",
    ("Sales", "product"): "product",
    ("Products", "category"): "category",
}
MEASURES = {"Revenue": "Revenue", "Units": "Units", "Broken": None}


class Model:
    def column(self, table: str | None, column: str) -> str | None:
        return COLUMNS.get((table or "Sales", column))

    def measure(self, name: str) -> str | None:
        return MEASURES.get(name)

    def rows_column(self, table: str) -> str | None:
        return "Sales rows" if table == "Sales" else None

    def is_measure(self, name: str) -> bool:
        return name in MEASURES

    def measure_expression(self, name: str) -> str | None:
        return {"Revenue": "SUM(Sales[amount])", "Units": "SUM(Sales[units]) + 0"}.get(name)


MAPPED: list[tuple[str, Context, str]] = [
    ("SUM(Sales[amount])", "measure", "sum({amount})"),
    ("= SUM('Sales'[amount])", "measure", "sum({amount})"),
    ("AVERAGE(Sales[amount])", "measure", "avg({amount})"),
    ("MIN(Sales[amount])", "measure", "min({amount})"),
    ("MAX(Sales[amount])", "measure", "max({amount})"),
    ("COUNT(Sales[units])", "measure", "count({units})"),
    ("COUNTA(Sales[region])", "measure", "count({region})"),
    ("COUNTROWS(Sales)", "measure", "sum({Sales rows})"),
    ("DISTINCTCOUNT(Sales[product])", "measure", "distinct_count({product})"),
    ("SUMX(Sales, Sales[units] * Sales[amount])", "measure", "sum(({units} * {amount}))"),
    (
        "DIVIDE([Revenue], [Units])",
        "measure",
        "ifelse(isNull({Units}) OR {Units} = 0, NULL, {Revenue} / {Units})",
    ),
    (
        "DIVIDE(SUM(Sales[amount]), SUM(Sales[units]), 0)",
        "measure",
        "ifelse(isNull(sum({units})) OR sum({units}) = 0, 0, sum({amount}) / sum({units}))",
    ),
    ("IF([Revenue] > 100, 1, 0)", "measure", "ifelse({Revenue} > 100, 1, 0)"),
    ("IF([Revenue] > 100, 1)", "measure", "ifelse({Revenue} > 100, 1, NULL)"),
    (
        'SWITCH(Sales[region], "EMEA", 1, "AMER", 2, 0)',
        "row",
        "ifelse({region} = 'EMEA', 1, {region} = 'AMER', 2, 0)",
    ),
    (
        'SWITCH(TRUE(), [Revenue] > 1000, "big", [Revenue] > 10, "medium", "small")',
        "measure",
        "ifelse({Revenue} > 1000, 'big', {Revenue} > 10, 'medium', 'small')",
    ),
    ("BLANK()", "measure", "NULL"),
    ("ISBLANK([Revenue])", "measure", "isNull({Revenue})"),
    ("COALESCE([Revenue], 0)", "measure", "coalesce({Revenue}, 0)"),
    (
        'CALCULATE(SUM(Sales[amount]), Sales[region] = "EMEA")',
        "measure",
        "sumIf({amount}, ({region} = 'EMEA'))",
    ),
    (
        'CALCULATE(COUNT(Sales[units]), Sales[region] IN {"EMEA", "AMER"}, Sales[units] > 5)',
        "measure",
        "countIf({units}, (in({region}, ['EMEA', 'AMER'])) AND ({units} > 5))",
    ),
    (
        'CALCULATE(DISTINCTCOUNT(Sales[product]), NOT Sales[region] = "APAC")',
        "measure",
        "distinct_countIf({product}, (NOT ({region} = 'APAC')))",
    ),
    (
        "TOTALYTD(SUM(Sales[amount]), Sales[day])",
        "measure",
        "periodToDateSumOverTime(sum({amount}), {day}, YEAR)",
    ),
    (
        "CALCULATE([Revenue], SAMEPERIODLASTYEAR(Sales[day]))",
        "measure",
        "periodOverPeriodLastValue({Revenue}, {day}, YEAR, 1)",
    ),
    (
        "CALCULATE([Revenue], DATEADD(Sales[day], -3, MONTH))",
        "measure",
        "periodOverPeriodLastValue({Revenue}, {day}, MONTH, 3)",
    ),
    ("RANKX(ALL(Sales[product]), [Revenue])", "measure", "rank([{Revenue} DESC])"),
    ('CALCULATE([Revenue], Sales[region] = "EMEA")', "measure", "sumIf({amount}, ({region} = 'EMEA'))"),
    ("SUM([amount])", "measure", "sum({amount})"),
    (
        'CALCULATE(SUMX(Sales, Sales[units] * Sales[amount]), FILTER(Sales, Sales[region] = "EMEA"))',
        "measure",
        "sumIf(({units} * {amount}), ({region} = 'EMEA'))",
    ),
    (
        "CALCULATE(COUNTROWS(Sales), FILTER(Sales, [units] > 5))",
        "measure",
        "sumIf({Sales rows}, ({units} > 5))",
    ),
    ("RANKX(ALL(Sales[product]), [Revenue], , ASC)", "measure", "rank([{Revenue} ASC])"),
    ("VAR r = [Revenue] VAR u = [Units] RETURN r / u", "measure", "(({Revenue}) / ({Units}))"),
    (
        'Sales[region] & "-" & Sales[product]',
        "row",
        "concat(toString(concat(toString({region}), toString('-'))), toString({product}))",
    ),
    ("RELATED(Products[category])", "row", "{category}"),
    ("YEAR(Sales[day])", "row", "extract('YYYY', {day})"),
    ("UPPER(Sales[region])", "row", "toUpper({region})"),
    ("[amount] * 2", "row", "({amount} * 2)"),
    ("[Revenue] - [Units] * 2 ^ 2", "measure", "({Revenue} - ({Units} * (2 ^ 2)))"),
]


@pytest.mark.parametrize(("dax", "context", "expected"), MAPPED, ids=[row[0][:40] for row in MAPPED])
def test_each_mapped_shape_becomes_its_quicksight_expression(
    dax: str, context: Context, expected: str
) -> None:
    translated = translate(dax, context, Model())
    assert (translated.code, translated.why) == (None, None)
    assert translated.expression == expected


def test_period_functions_name_the_date_the_visual_must_show() -> None:
    assert translate("TOTALYTD(SUM(Sales[amount]), Sales[day])", "measure", Model()).needs_date == (
        "Sales",
        "day",
    )
    assert translate("SUM(Sales[amount])", "measure", Model()).needs_date is None


def test_a_measure_records_the_measures_it_uses() -> None:
    assert translate("DIVIDE([Revenue], [Units])", "measure", Model()).measures == {"Revenue", "Units"}


REFUSED: list[tuple[str, Context, str]] = [
    ("SUM(Sales[amount]", "measure", "DAX_PARSE"),
    ('"unterminated', "measure", "DAX_PARSE"),
    ("SUM(Sales[amount]) SUM(Sales[units])", "measure", "DAX_PARSE"),
    ("Sales[amount] $ 2", "measure", "DAX_PARSE"),
    ("(" * 500 + "1" + ")" * 500, "measure", "DAX_PARSE"),
    ("PATHCONTAINS(Sales[region], 1)", "measure", "DAX_FUNCTION"),
    ("USERELATIONSHIP(Sales[day], Sales[day])", "measure", "DAX_FUNCTION"),
    ("Sales[amount] * 2", "measure", "DAX_CONTEXT"),
    ("SUM(Sales[amount])", "row", "DAX_CONTEXT"),
    ("SUM(Sales[nope])", "measure", "DAX_UNKNOWN"),
    ("[Broken] + 1", "measure", "DAX_DEPENDS"),
    ("CALCULATE(SUM(Sales[amount]), FILTER(ALL(Sales), Sales[units] > 1))", "measure", "DAX_SHAPE"),
    ('CALCULATE([Revenue] * 2, Sales[region] = "EMEA")', "measure", "DAX_SHAPE"),
    ('CALCULATE([Units], Sales[region] = "EMEA")', "measure", "DAX_SHAPE"),
    ("SUM([Revenue])", "measure", "DAX_SHAPE"),
    ('CALCULATE(SUM(Sales[amount]), KEEPFILTERS(Sales[region] = "EMEA"))', "measure", "DAX_SHAPE"),
    ("SUMX(FILTER(Sales, Sales[units] > 1), Sales[amount])", "measure", "DAX_SHAPE"),
    ("COUNTROWS(Products)", "measure", "DAX_SHAPE"),
    ("CALCULATE([Revenue], DATEADD(Sales[day], 1, YEAR))", "measure", "DAX_SHAPE"),
    ("RANKX(Sales, [Revenue])", "measure", "DAX_SHAPE"),
    ("TOPN(5, Sales, [Revenue])", "measure", "DAX_TOPN"),
    ("""Sales[region] = "it's \\"quoted\\"" """, "row", "DAX_PARSE"),
    ('IF(1, "it\'s ""both""")', "row", "DAX_STRING"),
]


@pytest.mark.parametrize(("dax", "context", "code"), REFUSED, ids=[row[0][:40] for row in REFUSED])
def test_what_does_not_map_is_a_finding_with_its_reason(dax: str, context: Context, code: str) -> None:
    translated = translate(dax, context, Model())
    assert translated.expression is None
    assert translated.code == code and translated.why


def test_the_parser_names_where_it_stopped() -> None:
    with pytest.raises(DaxError, match="at 4"):
        parse("1 + )")
