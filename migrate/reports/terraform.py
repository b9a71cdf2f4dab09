"""``migrate reports --terraform FILE``: converted reports as Terraform for the ``reporting``
module, so ``make apply`` deploys them like the rest of the platform (drift shown by plan, removed
by destroy).

The AWS provider takes a dashboard's definition as nested blocks, not JSON, so each API input is
rewritten in Terraform's JSON syntax: keys in snake case, the API's maps (``PhysicalTableMap``,
``LogicalTableMap``) as lists of blocks keyed by ``<name>_id``, and every string escaped so a
report's text is never read as a template. The walk follows botocore's QuickSight model, so only
the names the provider spells differently are written down here (``RENAMED``); ``make test``
holds the output to the real provider with ``terraform validate`` and ``plan``.

The resources name what the module defines: ``local.migrated_reports_count`` (1 when the
reporting database is registered in QuickSight), ``local.migrated_reports_data_source_arn`` and
``var.report_readers`` (the QuickSight group ARNs granted read access)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from migrate.reports.deploy import DASHBOARD_READER, DATA_SET_READER, NotDeployable, read_deployable
from migrate.reports.validate import input_shape

# The provider's spelling where it is not the API name in snake case.
RENAMED = {"DataSetIdentifierDeclarations": "data_set_identifiers_declarations"}
# What the provider (5.100, 6.x) has no block for, by its path in the API input: dropped with a
# note, the boto3 deploy keeps it.
PROVIDER_LACKS = frozenset({"Definition.Sheets.Images", "Definition.StaticFiles", "Definition.Options"})
COUNT = "${local.migrated_reports_count}"
DATA_SOURCE = "${local.migrated_reports_data_source_arn}"


@dataclass
class TerraformReports:
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # "<report>: <path>" the provider cannot take

    def document(self) -> dict[str, Any]:
        return {"resource": self.resources}


def terraform_reports(folders: list[Path]) -> TerraformReports:
    out = TerraformReports()
    for folder in folders:
        data_sets, dashboard = read_deployable(folder)
        names: dict[str, str] = {}
        for body in data_sets:
            name = resource_name("data_set", body["DataSetId"])
            names[body["DataSetId"]] = name
            _add(out, "aws_quicksight_data_set", name, _data_set(body, out.dropped, folder.name))
        _add(
            out,
            "aws_quicksight_dashboard",
            resource_name("dashboard", dashboard["DashboardId"]),
            _dashboard(dashboard, names, out.dropped, folder.name),
        )
    return out


def write_terraform(folders: list[Path], path: Path) -> TerraformReports:
    if not path.name.endswith(".tf.json"):
        raise NotDeployable(f"{path}: Terraform reads JSON only from a file named *.tf.json")
    reports = terraform_reports(folders)
    path.write_text(json.dumps(reports.document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return reports


def resource_name(kind: str, asset_id: str) -> str:
    return f"{kind}_" + re.sub(r"[^A-Za-z0-9_-]", "_", asset_id)


def _add(out: TerraformReports, kind: str, name: str, body: dict[str, Any]) -> None:
    resources = out.resources.setdefault(kind, {})
    if name in resources:
        raise NotDeployable(f"two reports make the same {kind} {name}: give them different names")
    resources[name] = body


def _data_set(body: dict[str, Any], dropped: list[str], report: str) -> dict[str, Any]:
    converted = _blocks("CreateDataSet", body, Walk(dropped, report))
    for table in converted.get("physical_table_map", []):
        for kind in ("relational_table", "custom_sql"):
            if kind in table:
                table[kind]["data_source_arn"] = DATA_SOURCE
    return {"count": COUNT, **converted, "dynamic": _readers(DATA_SET_READER)}


def _blocks(operation: str, body: dict[str, Any], walk: Walk) -> dict[str, Any]:
    """An API input as the provider's blocks; the account, grants and tags are the module's."""
    given = {k: v for k, v in body.items() if k not in ("AwsAccountId", "Permissions", "Tags")}
    converted: dict[str, Any] = _walk(given, input_shape(operation), "", walk)
    return converted


def _dashboard(
    body: dict[str, Any], data_sets: dict[str, str], dropped: list[str], report: str
) -> dict[str, Any]:
    converted = _blocks("CreateDashboard", _without_images(body), Walk(dropped, report))
    for declared in converted["definition"]["data_set_identifiers_declarations"]:
        data_set_id = declared["data_set_arn"].rsplit("/", 1)[-1]
        if data_set_id not in data_sets:
            raise NotDeployable(f"{report}: the dashboard names data set {data_set_id}, not in the report")
        declared["data_set_arn"] = f"${{aws_quicksight_data_set.{data_sets[data_set_id]}[0].arn}}"
    return {
        "count": COUNT,
        **converted,
        "version_description": _escaped(f"migrated from Power BI by migrate reports ({report})"),
        "dynamic": _readers(DASHBOARD_READER),
    }


def _without_images(body: dict[str, Any]) -> dict[str, Any]:
    """The dashboard without its images' places on the sheets: the provider has no sheet images,
    and an element naming an image that is not there fails the create."""
    sheets = []
    for sheet in body["Definition"].get("Sheets", []):
        layouts = [
            {
                **layout,
                "Configuration": {
                    "FreeFormLayout": {
                        **layout["Configuration"]["FreeFormLayout"],
                        "Elements": [
                            e
                            for e in layout["Configuration"]["FreeFormLayout"]["Elements"]
                            if e["ElementType"] != "IMAGE"
                        ],
                    }
                },
            }
            if "FreeFormLayout" in layout.get("Configuration", {})
            else layout
            for layout in sheet.get("Layouts", [])
        ]
        sheets.append({**sheet, "Layouts": layouts} if layouts else sheet)
    return {**body, "Definition": {**body["Definition"], "Sheets": sheets}}


def _readers(actions: list[str]) -> dict[str, Any]:
    return {
        "permissions": {
            "for_each": "${toset(var.report_readers)}",
            "content": {"principal": "${permissions.value}", "actions": actions},
        }
    }


@dataclass(frozen=True)
class Walk:
    dropped: list[str]
    report: str


def _walk(value: Any, shape: Shape, path: str, walk: Walk) -> Any:
    if isinstance(shape, StructureShape):
        out = {}
        for key, item in value.items():
            if f"{path}{key}" in PROVIDER_LACKS:
                if (dropped := f"{walk.report}: {path}{key}") not in walk.dropped:
                    walk.dropped.append(dropped)
                continue
            out[RENAMED.get(key, snake_case(key))] = _walk(item, shape.members[key], f"{path}{key}.", walk)
        return out
    if isinstance(shape, MapShape):
        key_name = snake_case(path.rstrip(".").rsplit(".", 1)[-1]) + "_id"
        return [
            {key_name: _escaped(key), **_walk(item, shape.value, f"{path}{key}.", walk)}
            for key, item in value.items()
        ]
    if isinstance(shape, ListShape):
        return [_walk(item, shape.member, path, walk) for item in value]
    return _escaped(value) if isinstance(value, str) else value


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _escaped(text: str) -> str:
    """Text as a literal: Terraform's JSON syntax reads ``${`` and ``%{`` in any string."""
    return text.replace("${", "$${").replace("%{", "%%{")
