"""Generated SQL over governed and ungoverned tables, for the rewriter's property tests.

Two governed tables (``sales`` by ``region``, ``targets`` by ``market``) and an ungoverned one
(``products``), in SQL that SQLite, MariaDB and PostgreSQL all run. ``queries()`` builds SELECTs
from joins, self-joins, derived tables, CTEs, IN and EXISTS subqueries, scalar subqueries,
aggregates and UNIONs; every column names its table, as the rewriter requires over two sources.
The property: the rewritten query on the full tables returns what the original returns on a copy
holding only the rows the scope allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from contracts.governance.policy import ALL_ROWS, ScopeValues

REGIONS = ("EMEA", "AMER", "APAC", "LATAM")
GOVERNED = {"sales": "region", "targets": "market"}
TABLES = {
    "sales": ("id", "region", "product", "units"),
    "targets": ("id", "market", "product", "goal"),
    "products": ("product", "category"),
}
DDL = {
    "sales": "CREATE TABLE sales (id INTEGER PRIMARY KEY, region VARCHAR(8), product VARCHAR(16),"
    " units INTEGER)",
    "targets": "CREATE TABLE targets (id INTEGER PRIMARY KEY, market VARCHAR(8), product VARCHAR(16),"
    " goal INTEGER)",
    "products": "CREATE TABLE products (product VARCHAR(16) PRIMARY KEY, category VARCHAR(16))",
}
PRODUCTS = ("anvil", "bolt", "crate", "drill", "easel")


def rows(table: str) -> list[tuple[Any, ...]]:
    """Fixed rows; a NULL region and market too, which only an unrestricted scope sees."""
    if table == "sales":
        return [
            (n, None if n % 11 == 0 else REGIONS[n % 4], PRODUCTS[n % 5], (n * 7) % 13) for n in range(1, 41)
        ]
    if table == "targets":
        return [(n, None if n == 9 else REGIONS[(n + 1) % 4], PRODUCTS[n % 4], n * 10) for n in range(1, 17)]
    return [(p, "tools" if i % 2 else "furniture") for i, p in enumerate(PRODUCTS)]


def allowed(table: str, row: tuple[Any, ...], scope: dict[str, ScopeValues]) -> bool:
    if table not in GOVERNED:
        return True
    values = scope[table]
    if values == ALL_ROWS:
        return True
    return row[TABLES[table].index(GOVERNED[table])] in values


scope_values: st.SearchStrategy[ScopeValues] = st.one_of(
    st.just(ALL_ROWS), st.lists(st.sampled_from(REGIONS), unique=True, max_size=3)
)
scopes = st.fixed_dictionaries({"sales": scope_values, "targets": scope_values})


@dataclass(frozen=True)
class Source:
    sql: str  # what goes in FROM, aliased
    alias: str
    columns: tuple[str, ...]


class Names:
    """Fresh aliases for one query."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"t{self.count}"


def _base(draw: Callable[..., Any], names: Names) -> Source:
    table = draw(st.sampled_from(sorted(TABLES)))
    alias = names.next()
    return Source(f"{table} {alias}", alias, TABLES[table])


def _source(draw: Callable[..., Any], names: Names, depth: int) -> Source:
    if depth > 0 and draw(st.booleans()):
        inner = _select(draw, names, depth - 1, want_product=True)
        alias = names.next()
        return Source(f"({inner.sql}) {alias}", alias, inner.columns)
    return _base(draw, names)


@dataclass(frozen=True)
class Select:
    sql: str
    columns: tuple[str, ...]


def _predicate(draw: Callable[..., Any], names: Names, source: Source, depth: int) -> str:
    kind = draw(st.sampled_from(["compare", "in", "exists", "none"] if depth > 0 else ["compare", "none"]))
    numeric = [c for c in source.columns if c in ("units", "goal", "id", "n")]
    if kind == "compare" and numeric:
        return f" WHERE {source.alias}.{draw(st.sampled_from(numeric))} > {draw(st.integers(0, 12))}"
    if kind == "in" and "product" in source.columns:
        inner = _select(draw, names, depth - 1, want_product=True, only_product=True)
        return f" WHERE {source.alias}.product IN ({inner.sql})"
    if kind == "exists" and "product" in source.columns:
        other = _base(draw, names)
        if "product" not in other.columns:
            return ""
        return (
            f" WHERE EXISTS (SELECT 1 FROM {other.sql} WHERE {other.alias}.product = {source.alias}.product)"
        )
    return ""


def _select(
    draw: Callable[..., Any], names: Names, depth: int, want_product: bool = False, only_product: bool = False
) -> Select:
    left = _source(draw, names, depth)
    joined = depth > 0 and "product" in left.columns and draw(st.booleans())
    sources = [left]
    join = ""
    if joined:
        right = _source(draw, names, depth - 1)
        if "product" in right.columns:
            sources.append(right)
            join = f" JOIN {right.sql} ON {left.alias}.product = {right.alias}.product"
    with_product = [s for s in sources if "product" in s.columns]
    if only_product:
        return Select(f"SELECT {with_product[0].alias}.product FROM {left.sql}{join}", ("product",))
    if draw(st.booleans()) and with_product:
        key = with_product[0]
        counted = f"COUNT(*) AS n, MAX({left.alias}.{left.columns[0]}) AS top"
        where = _predicate(draw, names, left, depth)
        grouped = f"GROUP BY {key.alias}.product"
        return Select(
            f"SELECT {key.alias}.product, {counted} FROM {left.sql}{join}{where} {grouped}",
            ("product", "n", "top"),
        )
    picked = [(s, c) for s in sources for c in s.columns]
    chosen = draw(st.lists(st.sampled_from(picked), min_size=1, max_size=4, unique=True))
    if want_product and with_product and (with_product[0], "product") not in chosen:
        chosen.insert(0, (with_product[0], "product"))
    first_product = next((i for i, (_, c) in enumerate(chosen) if c == "product"), None)
    names_out = ["product" if i == first_product else f"c{i}" for i in range(len(chosen))]
    listed = ", ".join(f"{s.alias}.{c} AS {n}" for (s, c), n in zip(chosen, names_out, strict=True))
    if depth > 0 and draw(st.booleans()):
        counter = _base(draw, names)
        if "product" in counter.columns and "product" in left.columns:
            listed += (
                f", (SELECT COUNT(*) FROM {counter.sql} WHERE {counter.alias}.product = {left.alias}.product)"
                " AS cnt"
            )
            names_out.append("cnt")
    where = _predicate(draw, names, left, depth)
    return Select(f"SELECT {listed} FROM {left.sql}{join}{where}", tuple(names_out))


@st.composite
def queries(draw: Callable[..., Any]) -> str:
    names = Names()
    shape = draw(st.sampled_from(["select", "union", "cte"]))
    if shape == "union":
        first = _select(draw, names, 1, only_product=True)
        second = _select(draw, names, 1, only_product=True)
        return f"{first.sql} UNION {'ALL ' if draw(st.booleans()) else ''}{second.sql}"
    if shape == "cte":
        inner = _select(draw, names, 1, want_product=True)
        outer = _base(draw, names)
        columns = ", ".join(f"c.{col}" for col in inner.columns)
        if "product" in outer.columns and draw(st.booleans()):
            return (
                f"WITH c AS ({inner.sql}) SELECT {columns}, {outer.alias}.{outer.columns[0]} AS o"
                f" FROM c JOIN {outer.sql} ON c.product = {outer.alias}.product"
            )
        return f"WITH c AS ({inner.sql}) SELECT {columns} FROM c"
    return _select(draw, names, 2).sql
