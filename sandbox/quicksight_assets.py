"""The QuickSight stand-in's data sets and dashboards: create, update, describe and share them by
id, as ``migrate reports --deploy`` calls them (rest-json, the account and signature checked, the
calls counted and rate-limited with the snapshot jobs').

It refuses what QuickSight refuses: a create of an id that exists (409 ResourceExistsException),
an update or describe of one that does not (404), and a dashboard whose definition names a data
set the account does not have (400 InvalidParameterValueException). A dashboard's update makes a
new version; publishing a version makes it the one readers see."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from sandbox.quicksight_double import QuickSightDouble


Handler = Callable[["Assets", web.Request], Awaitable[web.Response]]


def _operation(name: str) -> Callable[[Handler], Handler]:
    """An API operation: the account and signature checked, the call counted and rate-limited
    with the snapshot jobs' (the stand-in's own checks)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(assets: Assets, request: web.Request) -> web.Response:
            refused = assets.double._check_account(request) or assets.double._admit_call(name)
            return refused if refused is not None else await handler(assets, request)

        return checked

    return wrap


class Assets:
    def __init__(self, double: QuickSightDouble) -> None:
        self.double = double
        self.data_sets: dict[str, dict[str, Any]] = {}
        self.dashboards: dict[str, dict[str, Any]] = {}  # id -> {"versions": [...], "published": n}
        self.permissions: dict[str, list[dict[str, Any]]] = {}  # an asset's ARN -> its grants

    def routes(self, app: web.Application) -> None:
        base = "/accounts/{account}"
        app.router.add_post(base + "/data-sets", self._create_data_set)
        app.router.add_get(base + "/data-sets/{id}", self._describe_data_set)
        app.router.add_put(base + "/data-sets/{id}", self._update_data_set)
        app.router.add_post(base + "/data-sets/{id}/permissions", self._data_set_permissions)
        app.router.add_post(base + "/dashboards/{id}", self._create_dashboard)
        app.router.add_put(base + "/dashboards/{id}", self._update_dashboard)
        app.router.add_get(base + "/dashboards/{id}", self._describe_dashboard)
        app.router.add_get(base + "/dashboards/{id}/definition", self._dashboard_definition)
        app.router.add_put(base + "/dashboards/{id}/permissions", self._dashboard_permissions)
        app.router.add_put(base + "/dashboards/{id}/versions/{version}", self._publish)

    def arn(self, kind: str, asset_id: str) -> str:
        return f"arn:aws:quicksight:us-east-1:{self.double.account_id}:{kind}/{asset_id}"

    @_operation("CreateDataSet")
    async def _create_data_set(self, request: web.Request) -> web.Response:
        body = await request.json()
        data_set_id = str(body.get("DataSetId", ""))
        if data_set_id in self.data_sets:
            return error(409, "ResourceExistsException", f"data set {data_set_id} exists")
        self.data_sets[data_set_id] = body
        self.permissions[self.arn("dataset", data_set_id)] = list(body.get("Permissions", []))
        return ok({"Arn": self.arn("dataset", data_set_id), "DataSetId": data_set_id}, 201)

    @_operation("UpdateDataSet")
    async def _update_data_set(self, request: web.Request) -> web.Response:
        data_set_id = request.match_info["id"]
        if data_set_id not in self.data_sets:
            return error(404, "ResourceNotFoundException", f"data set {data_set_id} not found")
        self.data_sets[data_set_id] = {**await request.json(), "DataSetId": data_set_id}
        return ok({"Arn": self.arn("dataset", data_set_id), "DataSetId": data_set_id})

    @_operation("DescribeDataSet")
    async def _describe_data_set(self, request: web.Request) -> web.Response:
        found = self.data_sets.get(request.match_info["id"])
        if found is None:
            return error(404, "ResourceNotFoundException", "data set not found")
        described = {
            k: found[k]
            for k in ("DataSetId", "Name", "PhysicalTableMap", "LogicalTableMap", "ImportMode")
            if k in found
        }
        return ok({"DataSet": {**described, "Arn": self.arn("dataset", found["DataSetId"])}})

    @_operation("UpdateDataSetPermissions")
    async def _data_set_permissions(self, request: web.Request) -> web.Response:
        data_set_id = request.match_info["id"]
        if data_set_id not in self.data_sets:
            return error(404, "ResourceNotFoundException", f"data set {data_set_id} not found")
        arn = self.arn("dataset", data_set_id)
        self._grant(arn, await request.json())
        return ok({"DataSetArn": arn, "DataSetId": data_set_id})

    @_operation("CreateDashboard")
    async def _create_dashboard(self, request: web.Request) -> web.Response:
        dashboard_id = request.match_info["id"]
        if dashboard_id in self.dashboards:
            return error(409, "ResourceExistsException", f"dashboard {dashboard_id} exists")
        body = await request.json()
        problem = self._missing_data_set(body)
        if problem:
            return error(400, "InvalidParameterValueException", problem)
        self.dashboards[dashboard_id] = {"versions": [body], "published": 1}
        self.permissions[self.arn("dashboard", dashboard_id)] = list(body.get("Permissions", []))
        return self._version_answer(dashboard_id, 1, 202)

    @_operation("UpdateDashboard")
    async def _update_dashboard(self, request: web.Request) -> web.Response:
        dashboard_id = request.match_info["id"]
        found = self.dashboards.get(dashboard_id)
        if found is None:
            return error(404, "ResourceNotFoundException", f"dashboard {dashboard_id} not found")
        body = await request.json()
        problem = self._missing_data_set(body)
        if problem:
            return error(400, "InvalidParameterValueException", problem)
        found["versions"].append(body)
        return self._version_answer(dashboard_id, len(found["versions"]), 202)

    @_operation("UpdateDashboardPublishedVersion")
    async def _publish(self, request: web.Request) -> web.Response:
        found = self.dashboards.get(request.match_info["id"])
        version = int(request.match_info["version"])
        if found is None or not 1 <= version <= len(found["versions"]):
            return error(404, "ResourceNotFoundException", "no such dashboard version")
        found["published"] = version
        return ok(
            {
                "DashboardId": request.match_info["id"],
                "DashboardArn": self.arn("dashboard", request.match_info["id"]),
            }
        )

    @_operation("DescribeDashboard")
    async def _describe_dashboard(self, request: web.Request) -> web.Response:
        dashboard_id = request.match_info["id"]
        found = self.dashboards.get(dashboard_id)
        if found is None:
            return error(404, "ResourceNotFoundException", f"dashboard {dashboard_id} not found")
        version = {"VersionNumber": found["published"], "Status": "CREATION_SUCCESSFUL"}
        published = found["versions"][found["published"] - 1]
        return ok(
            {
                "Dashboard": {
                    "DashboardId": dashboard_id,
                    "Arn": self.arn("dashboard", dashboard_id),
                    "Name": published.get("Name"),
                    "Version": version,
                }
            }
        )

    @_operation("DescribeDashboardDefinition")
    async def _dashboard_definition(self, request: web.Request) -> web.Response:
        found = self.dashboards.get(request.match_info["id"])
        if found is None:
            return error(404, "ResourceNotFoundException", "dashboard not found")
        published = found["versions"][found["published"] - 1]
        return ok(
            {
                "DashboardId": request.match_info["id"],
                "Name": published.get("Name"),
                "ResourceStatus": "CREATION_SUCCESSFUL",
                "Definition": published.get("Definition"),
            }
        )

    @_operation("UpdateDashboardPermissions")
    async def _dashboard_permissions(self, request: web.Request) -> web.Response:
        dashboard_id = request.match_info["id"]
        if dashboard_id not in self.dashboards:
            return error(404, "ResourceNotFoundException", f"dashboard {dashboard_id} not found")
        arn = self.arn("dashboard", dashboard_id)
        self._grant(arn, await request.json())
        return ok({"DashboardArn": arn, "DashboardId": dashboard_id, "Permissions": self.permissions[arn]})

    def _grant(self, arn: str, body: dict[str, Any]) -> None:
        grants = {g["Principal"]: g for g in self.permissions.get(arn, [])}
        for grant in body.get("GrantPermissions", []):
            grants[grant["Principal"]] = grant
        for revoke in body.get("RevokePermissions", []):
            grants.pop(revoke["Principal"], None)
        self.permissions[arn] = list(grants.values())

    def _missing_data_set(self, body: dict[str, Any]) -> str | None:
        for declared in (body.get("Definition") or {}).get("DataSetIdentifierDeclarations", []):
            data_set_id = str(declared.get("DataSetArn", "")).rsplit("/", 1)[-1]
            if data_set_id not in self.data_sets:
                return f"the definition names data set {data_set_id}, which does not exist"
        return None

    def _version_answer(self, dashboard_id: str, version: int, status: int) -> web.Response:
        arn = self.arn("dashboard", dashboard_id)
        return ok(
            {
                "Arn": arn,
                "VersionArn": f"{arn}/version/{version}",
                "DashboardId": dashboard_id,
                "CreationStatus": "CREATION_SUCCESSFUL",
            },
            status,
        )


def ok(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response({**body, "Status": status, "RequestId": str(time.time_ns())}, status=status)


def error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"Message": message}, status=status, headers={"x-amzn-ErrorType": code})
