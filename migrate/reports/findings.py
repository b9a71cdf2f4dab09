"""What needs a person: each finding has a reason code, the source object's name and why; the
README of the reporting track (docs/migration.md) lists the codes."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Every code a finding can carry, and what a person does about it.
CODES = {
    "DAX_PARSE": "the DAX could not be read: rewrite the measure in QuickSight by hand",
    "DAX_FUNCTION": "a DAX function with no QuickSight equivalent in the mapping table",
    "DAX_SHAPE": "a mapped function used in a shape the mapping does not cover",
    "DAX_CONTEXT": "a column used where DAX needs an aggregation (or an aggregation in a row)",
    "DAX_UNKNOWN": "a column the model does not have",
    "DAX_DEPENDS": "depends on a measure that was not converted",
    "DAX_TOPN": "TOPN: add a top-N filter to the visual instead",
    "DAX_STRING": "text holding both kinds of quote",
    "NAME": "a name QuickSight cannot quote",
    "NAME_CLASH": "renamed: the name was already a column of the data set",
    "TABLE_SOURCE": "a table whose Power Query is not one database table (a native query, a file, steps)",
    "TABLE_UNJOINED": "a table no relationship joins to the visual's other tables",
    "RELATIONSHIP_INACTIVE": "an inactive relationship (USERELATIONSHIP) is not joined",
    "RELATIONSHIP_BOTH": "a both-directions relationship is joined one way (many to one)",
    "VISUAL_TYPE": "a visual type with no QuickSight counterpart (custom, AI or Q&A visuals)",
    "VISUAL_FIELDS": "a visual whose fields could not all be converted",
    "VISUAL_UNREADABLE": "a visual container the reader could not follow",
    "PERIOD_NEEDS_DATE": "a period measure on a visual that does not show its date",
    "IMAGE": "an image: upload the file to the dashboard by hand",
    "DECORATION": "a shape or button: dropped",
    "ROLE_FILTER": "a role whose filter is not one column against a list of values",
    "INVALID": "a generated input QuickSight's model refuses (a name too long, too many items)",
}


@dataclass(frozen=True)
class Finding:
    code: str
    source: str  # the source object: 'Table'[Measure], page/visual, role …
    why: str
    target: str | None = None  # what it became, when it became something

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code}")

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def markdown(report: str, findings: list[Finding], coverage: str) -> str:
    lines = [f"# {report}: what needs a person", "", coverage, ""]
    if not findings:
        return "\n".join([*lines, "Nothing: every object converted.", ""])
    lines += ["| code | source | why | became |", "|---|---|---|---|"]
    for f in findings:
        cells = [f.code, f.source, f.why, f.target or "—"]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    lines += ["", "Codes:", ""] + [
        f"- `{code}`: {CODES[code]}" for code in sorted({f.code for f in findings})
    ]
    return "\n".join(lines) + "\n"
