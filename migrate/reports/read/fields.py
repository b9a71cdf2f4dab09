"""Power BI's semantic query fields (prototypeQuery's Select, PBIR's queryState projections) as
``FieldRef``s."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate.reports.model import FieldRef

# Power BI's QueryAggregateFunction numbers.
AGGREGATIONS = {0: "Sum", 1: "Avg", 2: "DistinctCount", 3: "Min", 4: "Max", 5: "Count", 6: "Median"}


def field_ref(item: Mapping[str, Any], sources: Mapping[str, str]) -> FieldRef | None:
    """One field; None for a shape this reader does not know (the caller makes it a finding)."""
    if "Column" in item:
        table = _entity(item["Column"], sources)
        return FieldRef(table, str(item["Column"].get("Property")), "column") if table else None
    if "Measure" in item:
        table = _entity(item["Measure"], sources)
        return FieldRef(table, str(item["Measure"].get("Property")), "measure") if table else None
    if "Aggregation" in item:
        aggregation = item["Aggregation"]
        inner = aggregation.get("Expression", {}).get("Column")
        function = AGGREGATIONS.get(aggregation.get("Function"))
        table = _entity(inner, sources) if isinstance(inner, Mapping) else None
        if table is None or function is None:
            return None
        return FieldRef(table, str(inner.get("Property")), "aggregation", function)
    return None


def _entity(expression: Mapping[str, Any], sources: Mapping[str, str]) -> str | None:
    ref = expression.get("Expression", {}).get("SourceRef", {})
    if "Entity" in ref:
        return str(ref["Entity"])
    return sources.get(str(ref.get("Source")))
