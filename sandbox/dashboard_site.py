"""A local dashboard for the ``browser`` renderer to capture in the sandbox: revenue per product
for one region, drawn as SVG from the sandbox's SQLite dataset, like a Grafana or Superset panel
that draws itself a moment after the page loads (``#ready`` marks the end).

Like Grafana with a service-account token, it answers 401 to any request without
``Authorization: Bearer <token>``. The sandbox puts that token into every secret the catalog's
browser reports name (``store_token``), so the agents read it from moto's Secrets Manager as
they would from AWS's.
"""

from __future__ import annotations

import asyncio
import html
import sqlite3
from pathlib import Path

import boto3
from aiohttp import web

from contracts.browser_secrets import browser_secrets
from contracts.catalog import parse_catalog
from sandbox.loopback import serve_on_loopback

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


async def start_site(dataset: Path, token: str) -> tuple[web.AppRunner, str]:
    async def sales(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.Response(status=401, text="sign in: a service-account token is required")
        region = request.query.get("region", "")
        regions = None if region == "*" else [r for r in region.split(",") if r]
        if regions == []:
            return web.Response(status=400, text="which regions? ?region=EMEA,AMER or ?region=*")
        rows = await asyncio.to_thread(_revenue, dataset, regions)
        if not rows:
            return web.Response(status=404, text=f"no sales in region {region!r}")
        return web.Response(text=_page(region, rows), content_type="text/html")

    app = web.Application()
    app.router.add_get("/sales", sales)
    runner, port = await serve_on_loopback(app)
    return runner, f"http://127.0.0.1:{port}"


def store_token(catalog: Path, token: str) -> list[str]:
    """Put ``token`` into each secret the catalog's browser reports name (in moto); their names."""
    client = boto3.client("secretsmanager")
    names = browser_secrets(parse_catalog(catalog.read_bytes()))
    for name in names:
        try:
            client.put_secret_value(SecretId=name, SecretString=token)
        except client.exceptions.ResourceNotFoundException:
            client.create_secret(Name=name, SecretString=token)
    return names


def _revenue(dataset: Path, regions: list[str] | None) -> list[tuple[str, float]]:
    """Revenue per product over ``regions`` (None: every region), as a dashboard's own query."""
    where = "" if regions is None else f"WHERE region IN ({', '.join('?' * len(regions))})"
    with sqlite3.connect(f"file:{dataset}?mode=ro", uri=True) as db:
        return db.execute(
            f"SELECT product, ROUND(SUM(amount), 2) FROM sales {where} GROUP BY product ORDER BY 2 DESC",
            regions or [],
        ).fetchall()


def _page(region: str, rows: list[tuple[str, float]]) -> str:
    top = max(value for _, value in rows)
    bars = "".join(
        f'<rect x="{30 + i * 90}" y="{330 - height:.0f}" width="60" height="{height:.0f}"'
        f' fill="{COLOURS[i % len(COLOURS)]}"/><text x="{30 + i * 90}" y="350">{html.escape(product)}</text>'
        for i, (product, height) in enumerate((p, 300 * v / top) for p, v in rows)
    )
    table = "".join(f"<tr><td>{html.escape(p)}</td><td>{v:,.2f}</td></tr>" for p, v in rows)
    return f"""<!doctype html><html><head><title>Sales {html.escape(region)}</title></head>
<body style="font-family: sans-serif; background: #fff">
<h1>Revenue per product: {html.escape(region)}</h1><div id="chart"></div>
<table>{table}</table>
<script>
setTimeout(() => {{
  document.getElementById("chart").innerHTML = '<svg width="{60 + 90 * len(rows)}" height="360">{bars}</svg>';
  document.body.insertAdjacentHTML("beforeend", '<p id="ready">drawn</p>');
}}, 250);
</script></body></html>"""
