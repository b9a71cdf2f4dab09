"""Schemathesis drives the sandbox's API from the OpenAPI document: every operation, with data
that fits the document and data that does not, then POST -> GET through the document's links.
Every answer must be documented (status, content type, body schema), no answer may be a 5xx,
data the document refuses must get a 4xx, and a request refused with a 4xx must leave the table
and the state machine as they were. How many requests each operation got is checked at the end
and written to ``out/fuzz-counts.json``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import Case as AnyCase
from schemathesis.config import SchemathesisConfig

from contracts.catalog import parse_catalog
from contracts.openapi import DOCUMENT_PATH, OPERATIONS
from sandbox.platform import Platform
from tests.api.conftest import ServedApi
from tests.conftest import TEST_CATALOG
from tests.lambdas.helpers import executions, items
from tests.support.sigv4_requests import signed_session

Case = AnyCase[Any]
ROOT = Path(__file__).resolve().parents[2]
# Hypothesis examples per operation and mode; each is one request (more with the checks' probes).
EXAMPLES = 300
STATEFUL_STEPS = 100
# - unsupported_method: an HTTP API answers a method no route has with 404 Not Found, not 405,
#   and that is API Gateway's behaviour, not the platform's to change.
# - ignored_auth: SigV4 signs the body as sent, so the requests session signs after Schemathesis
#   builds the request, and re-signs its probes; test_signatures.py sends the unsigned, wrongly
#   signed and stale requests that check would.
# - negative_data_rejection: a body over the size limit is refused with 413 before it is parsed.
# - positive_data_acceptance: data that fits the document may still be refused by the catalog
#   (an unknown report is 404, a param it does not declare 422), so those codes are accepted; a
#   next_token is opaque, so one the API did not issue is a 400 however well it fits the schema.
CONFIG = """
[generation]
mode = "{mode}"
max-examples = {examples}
with-security-parameters = false
database = "none"

[checks.unsupported_method]
enabled = false

[checks.ignored_auth]
enabled = false

[checks.positive_data_acceptance]
expected-statuses = [200, 202, 404, 410, 422]

[checks.negative_data_rejection]
expected-statuses = [400, 404, 413, 422]

[[operations]]
include-operation-id = "list_snapshots"
checks.positive_data_acceptance.expected-statuses = [200, 400]
"""
schema = schemathesis.openapi.from_path(
    DOCUMENT_PATH, config=SchemathesisConfig.from_str(CONFIG.format(mode="all", examples=EXAMPLES))
)
# The stateful run follows links from accepted requests, so it sends data that fits the document.
positive_schema = schemathesis.openapi.from_path(
    DOCUMENT_PATH, config=SchemathesisConfig.from_str(CONFIG.format(mode="positive", examples=EXAMPLES))
)
SESSION = signed_session()
REQUESTS: Counter[str] = Counter()


def stored(platform: Platform) -> tuple[list[dict[str, Any]], int]:
    """What a request could have written: the metadata items and the executions started."""
    return items(platform), len(executions(platform))


def call(case: Case, api: ServedApi) -> None:
    before = stored(api.platform) if case.method == "POST" else None
    response = case.call_and_validate(base_url=api.url, session=SESSION)
    REQUESTS[f"{case.method} {case.path}"] += 1
    if before is not None and 400 <= response.status_code < 500:
        assert stored(api.platform) == before, f"a refused request ({response.status_code}) wrote"


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_its_document_says(
    case: Case, served_api: ServedApi, fuzzed_enough: None
) -> None:
    call(case, served_api)


def write_counts() -> None:
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "fuzz-counts.json").write_text(json.dumps(dict(sorted(REQUESTS.items())), indent=2) + "\n")


@pytest.fixture
def fuzzed_enough(request: pytest.FixtureRequest) -> Iterator[None]:
    """Once all of an operation's examples have run: it got at least EXAMPLES requests. The
    counts so far go to out/fuzz-counts.json."""
    yield
    route = request.node.name.split("[", 1)[1].rstrip("]")
    write_counts()
    assert route in {op.route_key for op in OPERATIONS}, route
    assert REQUESTS[route] >= EXAMPLES, f"{route} got {REQUESTS[route]} requests, fewer than {EXAMPLES}"


def test_post_then_get_through_the_documents_links(served_api: ServedApi) -> None:
    """Random reports are unknown (404), so no link would ever be followed: each generated POST
    body is pointed at a report the catalog has, in one of its formats, with its default params
    and one of a few data versions (a few renders, many reuses and joins)."""
    generated: Any = positive_schema.as_state_machine()
    catalog = parse_catalog(TEST_CATALOG.read_bytes())
    reports = [r for r in catalog.reports.values() if r.has_all_defaults()]

    class Workflow(generated):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"base_url": served_api.url, "session": SESSION}

        def before_call(self, case: Case) -> None:
            if case.method == "POST" and isinstance(case.body, dict):
                pick = hash(json.dumps(case.body, sort_keys=True, default=str))
                report = reports[pick % len(reports)]
                case.body.update(report=report.name, format=report.formats[pick % len(report.formats)])
                case.body.update(params={}, data_version=f"v{pick % 3}")

        def after_call(self, response: Any, case: Case) -> None:
            super().after_call(response, case)
            REQUESTS[f"stateful {case.method} {case.path}"] += 1

    Workflow.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            stateful_step_count=6,
        )
    )
    write_counts()
    assert REQUESTS["stateful GET /snapshots/{snapshot_id}"] > 0, "no link from POST was followed"
