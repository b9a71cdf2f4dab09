"""``migrate reports --deploy``: a report's written inputs into QuickSight, idempotently by id (an
id that exists is updated, a dashboard's new version published), each granted to one principal
(a QuickSight group's ARN) to read. A report with an ``INVALID`` finding is not deployed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

# What a reader of each needs (QuickSight's viewer permissions for a data set and a dashboard).
DATA_SET_READER = [
    "quicksight:DescribeDataSet",
    "quicksight:DescribeDataSetPermissions",
    "quicksight:PassDataSet",
    "quicksight:DescribeIngestion",
    "quicksight:ListIngestions",
]
DASHBOARD_READER = [
    "quicksight:DescribeDashboard",
    "quicksight:ListDashboardVersions",
    "quicksight:QueryDashboard",
]


class NotDeployable(Exception):
    pass


@dataclass(frozen=True)
class Deployed:
    data_sets: dict[str, str]  # id -> created / updated
    dashboard: str  # created / updated (version n published)


def deploy(folder: Path, quicksight: Any, principal: str) -> Deployed:
    summary = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    invalid = [f for f in summary["findings"] if f["code"] == "INVALID"]
    if invalid:
        raise NotDeployable(f"{folder}: {len(invalid)} inputs QuickSight would refuse: {invalid[0]['why']}")
    grant = [{"Principal": principal, "Actions": DATA_SET_READER}]
    data_sets = {}
    for path in sorted((folder / "datasets").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        ids = {"AwsAccountId": body["AwsAccountId"], "DataSetId": body["DataSetId"]}
        if _exists(quicksight.describe_data_set, **ids):
            quicksight.update_data_set(**{k: v for k, v in body.items() if k != "Permissions"})
            data_sets[body["DataSetId"]] = "updated"
        else:
            quicksight.create_data_set(**body)
            data_sets[body["DataSetId"]] = "created"
        quicksight.update_data_set_permissions(**ids, GrantPermissions=grant)
    body = json.loads((folder / "dashboard.json").read_text(encoding="utf-8"))
    ids = {"AwsAccountId": body["AwsAccountId"], "DashboardId": body["DashboardId"]}
    if _exists(quicksight.describe_dashboard, **ids):
        answer = quicksight.update_dashboard(
            **{k: v for k, v in body.items() if k not in ("Permissions", "Tags")}
        )
        version = int(answer["VersionArn"].rsplit("/", 1)[-1])
        quicksight.update_dashboard_published_version(**ids, VersionNumber=version)
        done = f"updated (version {version} published)"
    else:
        quicksight.create_dashboard(**body)
        done = "created"
    quicksight.update_dashboard_permissions(
        **ids, GrantPermissions=[{"Principal": principal, "Actions": DASHBOARD_READER}]
    )
    return Deployed(data_sets, done)


def _exists(describe: Any, **ids: str) -> bool:
    try:
        describe(**ids)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True
