"""A scope written as text, where a dashboard takes it: QuickSight's row-level tags and a
dashboard URL's ``{scope:<table>}``. The values are joined by the governed table's ``delimiter``;
every row is its ``match_all`` (both as the QuickSight data set's tag rule declares them). A value
that holds the delimiter, or is the match-all value, would widen what is shown, so it is refused;
so is an empty scope, which no dashboard can be trusted to show as nothing."""

from __future__ import annotations

from contracts.governance.policy import ALL_ROWS, GovernedRead, ScopeValues


class UnwritableScope(ValueError):
    pass


def scope_text(values: ScopeValues, read: GovernedRead) -> str:
    spec = read.spec
    if values == ALL_ROWS:
        return spec.match_all
    if not values:
        raise UnwritableScope(f"the scope of {read.id} is empty: a dashboard cannot be shown no row")
    texts = [_text(value) for value in values]
    for text in texts:
        if spec.delimiter in text or text == spec.match_all:
            raise UnwritableScope(
                f"a value of {read.spec.entitlement!r} ({text[:40]!r}) holds the delimiter"
                f" {spec.delimiter!r} or is the match-all value {spec.match_all!r}"
            )
    return spec.delimiter.join(texts)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
