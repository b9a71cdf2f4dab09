"""Seed a fresh Apache Superset through its REST API (run by ``.tools/superset``'s Python):
a database over a SQLite file of revenue per region, its dataset, a "Big Number" chart of the
total on a dashboard with the slug ``revenue``, and that dashboard's embedded config.

``python superset_seed.py <base URL> <admin password> <data.db>`` prints the embedded UUID.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import requests


def main(base: str, password: str, data: str) -> str:
    api = requests.Session()
    signed_in = api.post(
        f"{base}/api/v1/security/login",
        json={"username": "admin", "password": password, "provider": "db"},
        timeout=30,
    )
    api.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
    api.headers["X-CSRFToken"] = api.get(f"{base}/api/v1/security/csrf_token/", timeout=30).json()["result"]
    api.headers["Referer"] = base

    def create(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = api.post(f"{base}/api/v1/{path}", json=body, timeout=60)
        if answer.status_code >= 300:
            raise SystemExit(f"{path}: HTTP {answer.status_code} {answer.text[:300]}")
        found: dict[str, Any] = answer.json()
        return found

    database = create("database/", {"database_name": "sales", "sqlalchemy_uri": f"sqlite:///{data}"})
    dataset = create("dataset/", {"database": database["id"], "table_name": "revenue"})
    dashboard = create("dashboard/", {"dashboard_title": "Revenue", "slug": "revenue", "published": True})
    metric = {"expressionType": "SQL", "sqlExpression": "SUM(amount)", "label": "Revenue total"}
    params = {
        "viz_type": "big_number_total",
        "metric": metric,
        "datasource": f"{dataset['id']}__table",
        "subheader": "all regions",
    }
    create(
        "chart/",
        {
            "slice_name": "Revenue total",
            "viz_type": "big_number_total",
            "datasource_id": dataset["id"],
            "datasource_type": "table",
            "params": json.dumps(params),
            "dashboards": [dashboard["id"]],
        },
    )
    embedded = create(f"dashboard/{dashboard['id']}/embedded", {"allowed_domains": []})
    result = embedded["result"]
    assert isinstance(result, dict)
    return str(result["uuid"])


if __name__ == "__main__":
    print(main(*sys.argv[1:4]))
