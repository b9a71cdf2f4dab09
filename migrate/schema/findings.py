"""What the conversion could not carry over as it was: ``action`` a person must act on before the
migration (the DDL leaves it out or changes its meaning), ``note`` a difference worth knowing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["action", "note"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    where: str  # schema.table[.column|index], or "line N" for a statement
    what: str

    def line(self) -> str:
        return f"{self.severity.upper():6} {self.where}: {self.what}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Findings(list[Finding]):
    def action(self, where: str, what: str) -> None:
        self.append(Finding("action", where, what))

    def note(self, where: str, what: str) -> None:
        self.append(Finding("note", where, what))

    @property
    def actions(self) -> list[Finding]:
        return [f for f in self if f.severity == "action"]
