"""EventBridge events that start snapshots with no HTTP call.

- ``Snapshot Requested`` (a schedule firing, or any producer): ``detail`` is a snapshot request.
- ``Data Landed``: ``detail`` is ``{"dataset", "data_version"}``; every catalog report that lists
  the dataset in ``datasets`` and whose params all have defaults is requested in its
  ``schedule_format`` (else its first format) for that data version.
"""

from __future__ import annotations

import logging
from typing import Any

from aws_lambda_powertools.utilities.parser import ValidationError, parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, ConfigDict, Field

from contracts.catalog import Catalog
from contracts.http_api import SnapshotRequest
from contracts.topology import DATA_LANDED, SNAPSHOT_REQUESTED
from contracts.validation import first_error

log = logging.getLogger(__name__)


class DataLanded(BaseModel):
    model_config = ConfigDict(extra="ignore")

    dataset: str = Field(min_length=1)
    data_version: str = Field(min_length=1, max_length=128)


class SnapshotRequestedEvent(EventBridgeModel):
    detail: SnapshotRequest


class DataLandedEvent(EventBridgeModel):
    detail: DataLanded


class InvalidEvent(ValueError):
    pass


def is_eventbridge_event(event: dict[str, Any]) -> bool:
    return "detail-type" in event and "detail" in event


def requests_from_event(event: dict[str, Any], catalog: Catalog) -> list[SnapshotRequest]:
    detail_type = event.get("detail-type")
    try:
        if detail_type == SNAPSHOT_REQUESTED:
            return [parse(event=event, model=SnapshotRequestedEvent).detail]
        if detail_type == DATA_LANDED:
            return _refreshes(parse(event=event, model=DataLandedEvent).detail, catalog)
    except ValidationError as exc:
        raise InvalidEvent(f"{detail_type!r} event {event.get('id')}: {first_error(exc)}") from exc
    raise InvalidEvent(f"unsupported detail-type {detail_type!r}")


def _refreshes(landed: DataLanded, catalog: Catalog) -> list[SnapshotRequest]:
    requests = []
    for report in catalog.reports_for_dataset(landed.dataset):
        if not report.has_all_defaults():
            log.warning(
                "report %s reads %s but has required params: not refreshed", report.name, landed.dataset
            )
            continue
        fmt = report.schedule_format or report.formats[0]
        requests.append(SnapshotRequest(report=report.name, format=fmt, data_version=landed.data_version))
    return requests
