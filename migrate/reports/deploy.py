"""``migrate reports --deploy``: a report's written inputs into QuickSight, idempotently by id (an
id that exists is updated, a dashboard's new version published), each granted to one principal
(a QuickSight group's ARN) to read, its own images uploaded to S3 first. A report with an
``INVALID`` finding is not deployed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from migrate.reports.convert.images import IMAGE_SUFFIXES

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
    images: int = 0  # the report's own images uploaded


def read_deployable(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A report folder's data sets and dashboard, refused when one would be refused by QuickSight."""
    try:
        summary = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
        data_sets = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((folder / "datasets").glob("*.json"))
        ]
        dashboard = json.loads((folder / "dashboard.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotDeployable(f"{folder}: not a folder migrate reports wrote ({exc})") from exc
    invalid = [f for f in summary["findings"] if f["code"] == "INVALID"]
    if invalid:
        raise NotDeployable(f"{folder}: {len(invalid)} inputs QuickSight would refuse: {invalid[0]['why']}")
    return data_sets, dashboard


def deploy(folder: Path, quicksight: Any, principal: str, s3: Any = None) -> Deployed:
    """``s3``: the client that uploads the report's own images (needed when it has some)."""
    data_set_bodies, dashboard = read_deployable(folder)
    images = _upload_images(folder, dashboard, s3)  # first: a refused upload leaves nothing half-made
    grant = [{"Principal": principal, "Actions": DATA_SET_READER}]
    data_sets = {}
    for body in data_set_bodies:
        ids = {"AwsAccountId": body["AwsAccountId"], "DataSetId": body["DataSetId"]}
        if _exists(quicksight.describe_data_set, **ids):
            quicksight.update_data_set(**{k: v for k, v in body.items() if k != "Permissions"})
            data_sets[body["DataSetId"]] = "updated"
        else:
            quicksight.create_data_set(**body)
            data_sets[body["DataSetId"]] = "created"
        quicksight.update_data_set_permissions(**ids, GrantPermissions=grant)
    ids = {"AwsAccountId": dashboard["AwsAccountId"], "DashboardId": dashboard["DashboardId"]}
    if _exists(quicksight.describe_dashboard, **ids):
        answer = quicksight.update_dashboard(
            **{k: v for k, v in dashboard.items() if k not in ("Permissions", "Tags")}
        )
        version = int(answer["VersionArn"].rsplit("/", 1)[-1])
        quicksight.update_dashboard_published_version(**ids, VersionNumber=version)
        done = f"updated (version {version} published)"
    else:
        quicksight.create_dashboard(**dashboard)
        done = "created"
    quicksight.update_dashboard_permissions(
        **ids, GrantPermissions=[{"Principal": principal, "Actions": DASHBOARD_READER}]
    )
    return Deployed(data_sets, done, images)


def _upload_images(folder: Path, dashboard: dict[str, Any], s3: Any) -> int:
    uploaded = 0
    for static in dashboard["Definition"].get("StaticFiles", []):
        where = static.get("ImageStaticFile", {}).get("Source", {}).get("S3Options")
        if not where:
            continue
        path = folder / "images" / where["ObjectKey"].rsplit("/", 1)[-1]
        if s3 is None or not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
            raise NotDeployable(
                f"{folder}: the image {path.name} cannot be uploaded to s3://{where['BucketName']}"
            )
        s3.put_object(
            Bucket=where["BucketName"],
            Key=where["ObjectKey"],
            Body=path.read_bytes(),
            ContentType=IMAGE_SUFFIXES[path.suffix.lower()],
        )
        uploaded += 1
    return uploaded


def _exists(describe: Any, **ids: str) -> bool:
    try:
        describe(**ids)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False
        raise
    return True
