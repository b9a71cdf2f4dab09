"""The agent renders a job only when it is what its key says and carries a scope for exactly the
governed tables its report reads: a message changed in the queue never renders unfiltered."""

from __future__ import annotations

from typing import Any

import pytest

from agent.jobs.errors import InvalidRenderError
from agent.jobs.render import _check_identity
from contracts.catalog import parse_catalog
from contracts.identity import s3_key, snapshot_key
from contracts.messages import JobMessage
from tests.support.governed_catalogs import governed_sales, ledger_report

CATALOG = parse_catalog(governed_sales() + ledger_report("SELECT id FROM sales"))
LEDGER = CATALOG.reports["ledger"]


def job(scope: dict[str, Any], key: str | None = None, **changes: Any) -> JobMessage:
    fields: dict[str, Any] = {"report": "ledger", "format": "csv", "params": {}, "data_version": None}
    fields.update(changes)
    made = key or snapshot_key(
        fields["report"], fields["format"], fields["params"], fields["data_version"], scope
    )
    return JobMessage(
        v=1,
        snapshot_id=f"{made}-g1",
        key=made,
        generation=1,
        scope=scope,
        bucket="b",
        s3_key=s3_key("ledger", made, 1, "csv"),
        task_token="t",
        **fields,
    )


def test_a_job_that_is_what_its_key_says_passes() -> None:
    _check_identity(job({"demo.sales": ["EMEA"]}), LEDGER)


@pytest.mark.parametrize(
    "tampered",
    [
        {"scope": {"demo.sales": "*"}},
        {"scope": {"demo.sales": ["EMEA", "AMER"]}},
        {"params": {"region": "AMER"}},
        {"data_version": "v2"},
        {"format": "parquet"},
    ],
)
def test_a_job_changed_after_its_key_was_made_is_refused(tampered: dict[str, Any]) -> None:
    honest = job({"demo.sales": ["EMEA"]})
    changed = honest.model_copy(update=tampered)
    with pytest.raises(InvalidRenderError, match="key is not the hash"):
        _check_identity(changed, LEDGER)


@pytest.mark.parametrize("scope", [{}, {"demo.other": ["EMEA"]}, {"demo.sales": ["EMEA"], "demo.other": "*"}])
def test_a_job_without_a_scope_for_exactly_what_its_report_reads_is_refused(scope: dict[str, Any]) -> None:
    with pytest.raises(InvalidRenderError, match="the job carries a scope for"):
        _check_identity(job(scope), LEDGER)
