"""The dataset catalog, landed objects and load messages: the contracts of the data half."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.catalog import parse_catalog
from contracts.catalog_dirs import SANDBOX
from contracts.datasets import DatasetError, parse_datasets
from contracts.loads import landed_object, landed_time
from contracts.messages import LoadMessage, job_kind

ROOT = Path(__file__).resolve().parents[2]
DATASETS = parse_datasets(SANDBOX.datasets.read_bytes())


@pytest.mark.parametrize("catalog", ["sandbox/catalog/reports.toml", "tests/fixtures/catalog.toml"])
def test_every_dataset_a_report_names_is_declared(catalog: str) -> None:
    reports = parse_catalog((ROOT / catalog).read_bytes())
    named = {d for r in reports.reports.values() for d in r.datasets}
    assert named, "some report is refreshed by a dataset"
    assert named <= set(DATASETS.datasets), f"undeclared datasets: {sorted(named - set(DATASETS.datasets))}"


def dataset(extra: str = "", columns: str = 'id = { type = "integer", nullable = false }') -> str:
    return f"""
[datasets.orders]
datasource = "db"
table = "orders"
mode = "upsert"
primary_key = ["id"]
formats = ["csv"]
{extra}
[datasets.orders.columns]
{columns}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [datasets.<name>] tables"),
        ("[datasets", "not valid TOML"),
        (dataset(columns='id = { type = "integer" }'), "primary key column 'id' must be nullable = false"),
        (
            dataset(columns='id = { type = "integer", nullable = false }\nname = { type = "string" }'),
            "max_length",
        ),
        (
            dataset(columns='id = { type = "integer", nullable = false }\nx = { type = "decimal" }'),
            "precision",
        ),
        (
            dataset(columns='id = { type = "integer", nullable = false }\n"Bad-Name" = { type = "integer" }'),
            "identifier",
        ),
        (dataset('landing_prefix = "elsewhere/"'), "landing_prefix must be 'orders/'"),
        (dataset('events_format = "jsonl"'), "events_format 'jsonl' must be one of formats"),
        (
            dataset(columns='other = { type = "integer", nullable = false }'),
            "primary key column 'id' is not a column",
        ),
        (dataset().replace('mode = "upsert"', 'mode = "merge"'), "mode"),
    ],
)
def test_a_bad_dataset_catalog_says_what_and_where(text: str, message: str) -> None:
    with pytest.raises(DatasetError, match="dataset catalog") as failure:
        parse_datasets(text)
    assert message in str(failure.value)


def test_the_format_comes_from_the_suffix_and_events_from_their_prefix() -> None:
    sales = DATASETS.datasets["sales"]
    assert sales.format_of("sales/day.csv") == "csv"
    assert sales.format_of("sales/day.csv.gz") == "csv.gz"
    assert sales.format_of("sales/day.parquet") == "parquet"
    assert sales.format_of("sales/day.xml") is None
    assert sales.format_of("sales/events/2026/11/28/06/stream-1-2026-11-28-06-00-00-abc") == "jsonl"
    assert DATASETS.for_key("sales/x.csv") is sales and DATASETS.for_key("nope/x.csv") is None


def event(key: str, time: object = "2026-11-28T10:00:00Z", **obj: object) -> dict[str, object]:
    return {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "time": time,
        "detail": {"bucket": {"name": "landing"}, "object": {"key": key, "size": 5, **obj}},
    }


def test_a_landed_object_reads_s3s_event_and_motos() -> None:
    aws = landed_object(event("sales/a.csv", etag="abc", sequencer="0062"))
    moto = landed_object(event("sales/a.csv", eTag='"abc"'))
    assert (aws.bucket, aws.key, aws.etag, aws.sequencer, aws.dataset) == (
        "landing",
        "sales/a.csv",
        "abc",
        "0062",
        "sales",
    )
    assert moto.load_id == aws.load_id, "the load id depends on bucket, key and ETag only"
    assert landed_object(event("sales/a.csv", etag="abd")).load_id != aws.load_id
    assert aws.load_id.startswith("ld-") and len(aws.load_id) == 35
    assert json.loads(json.dumps(aws.execution_input()))["load_id"] == aws.load_id


def test_files_are_ordered_by_when_they_landed_whoever_wrote_the_time() -> None:
    """S3 writes ISO seconds, moto epoch seconds, a listing a datetime: one sortable UTC text."""
    aws = landed_object(event("sales/a.csv", etag="e")).landed_at
    moto = landed_object(event("sales/a.csv", time=1795860000.25, etag="e")).landed_at
    listed = landed_time(
        datetime.datetime(2026, 11, 28, 11, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    )
    assert aws == listed == "2026-11-28T10:00:00.000000Z"
    assert moto == "2026-11-28T10:00:00.250000Z" and aws < moto
    assert (
        json.loads(json.dumps(landed_object(event("sales/a.csv", etag="e")).execution_input()))["landed_at"]
        == aws
    )


@pytest.mark.parametrize("time", [None, "", "2026-11-28T10:00:00", "yesterday", True])
def test_an_event_without_a_usable_time_is_refused(time: object) -> None:
    with pytest.raises(ValueError, match="the event's time"):
        landed_object(event("sales/a.csv", time=time, etag="e"))


@pytest.mark.parametrize(
    "key", ["_rejects/sales/x.jsonl", "_firehose-errors/sales/x", "top.csv", "sales/dir/"]
)
def test_the_platforms_own_keys_and_non_dataset_keys_are_not_loads(key: str) -> None:
    with pytest.raises(ValueError, match="not a dataset file"):
        landed_object(event(key, etag="e"))


def test_an_event_that_is_not_s3s_object_created_is_refused() -> None:
    with pytest.raises(ValueError, match="not an S3 Object Created event"):
        landed_object({**event("sales/a.csv", etag="e"), "detail-type": "Object Deleted"})
    with pytest.raises(ValueError, match="no bucket, key or etag"):
        landed_object(event("sales/a.csv"))


def test_load_jobs_are_told_from_renders() -> None:
    load = {
        "v": 1,
        "kind": "load",
        "load_id": "ld-" + "0" * 32,
        "dataset": "sales",
        "bucket": "landing",
        "key": "sales/a.csv",
        "etag": "e",
        "sequencer": "",
        "task_token": "t",
    }
    assert job_kind(json.dumps(load)) == "load"
    assert LoadMessage.model_validate_json(json.dumps(load)).key == "sales/a.csv"
    assert job_kind('{"v": 1, "report": "r"}') == "render"
    assert job_kind('{"kind": ') == "render", "a broken body is the render path's to refuse"
    with pytest.raises(ValidationError):
        LoadMessage.model_validate_json(json.dumps({**load, "load_id": "x"}))
