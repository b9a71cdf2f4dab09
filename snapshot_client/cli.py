"""``snapshot``: request report snapshots from the HTTP API, wait for them and fetch them.

Every request is signed with SigV4 from the AWS credentials botocore finds (environment,
``--profile``, SSO, instance role). Exit codes: 0 done; 1 the API or the download could not be
reached or did not match (after bounded retries); 2 the request was refused (a 4xx, with the
API's message) or the command line is wrong; 3 the snapshot FAILED; 4 it was not READY in time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import botocore.session

from snapshot_client.api import ApiRefused, ApiUnavailable, SnapshotApi
from snapshot_client.download import DownloadFailed, UrlExpired, download
from snapshot_client.progress import Progress

ENDPOINT_ENV = "SNAPSHOT_API_URL"
EXIT_UNAVAILABLE, EXIT_REFUSED, EXIT_FAILED, EXIT_NOT_READY = 1, 2, 3, 4
TERMINAL = ("READY", "FAILED")
DEFAULT_WAIT_SECONDS = 1800.0


class UsageError(Exception):
    """The command line cannot make a request."""


class NotReady(Exception):
    """The snapshot is not READY (still rendering, or waited for too long)."""


class RenderFailed(Exception):
    """The snapshot's render FAILED."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="snapshot", description=__doc__.split("\n\n")[0].replace("``", ""))
    parser.add_argument(
        "--endpoint", default=os.environ.get(ENDPOINT_ENV), help=f"the API's URL (${ENDPOINT_ENV})"
    )
    parser.add_argument(
        "--region", help="the API's region (default: $AWS_REGION, $AWS_DEFAULT_REGION or the profile's)"
    )
    parser.add_argument("--profile", help="the AWS profile to sign with")
    commands = parser.add_subparsers(dest="command", required=True)

    request = commands.add_parser("request", help="request a snapshot (reused when a fresh one exists)")
    request.add_argument("report")
    request.add_argument("-f", "--format", required=True, help="csv, parquet, xlsx, pdf or png")
    request.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=TEXT|KEY:=JSON",
        help="a report param: region=EMEA is text, year:=2024 is JSON (a number, true/false)",
    )
    request.add_argument("--data-version", help="the data the snapshot is of")
    request.add_argument("--force", action="store_true", help="render anew even when a fresh one exists")
    request.add_argument("--max-age", type=int, metavar="SECONDS", help="reuse only a snapshot this young")
    request.add_argument("--wait", action="store_true", help="wait until it is READY or FAILED")
    request.add_argument("--timeout", type=float, default=DEFAULT_WAIT_SECONDS, help="seconds --wait waits")
    request.add_argument("-o", "--output", type=Path, help="download it here when READY (implies --wait)")

    status = commands.add_parser("status", help="a snapshot's metadata")
    status.add_argument("snapshot_id")
    status.add_argument("-o", "--output", type=Path, help="download it here (it must be READY)")

    listing = commands.add_parser("list", help="a report's snapshots, newest first")
    listing.add_argument("report")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--next-token")
    return parser


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``region=EMEA`` is text; ``year:=2024`` is JSON (the catalog's types are strict)."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, separator, raw = pair.partition("=")
        if not separator:
            raise UsageError(f"-p {pair}: expected KEY=TEXT or KEY:=JSON")
        value: Any = raw
        if name.endswith(":"):
            name = name[:-1]
            try:
                value = json.loads(raw)
            except ValueError as exc:
                raise UsageError(f"-p {pair}: {raw!r} is not JSON") from exc
        if not name:
            raise UsageError(f"-p {pair}: the param has no name")
        params[name] = value
    return params


def make_api(args: argparse.Namespace) -> SnapshotApi:
    if not args.endpoint:
        raise UsageError(f"no API endpoint: pass --endpoint or set {ENDPOINT_ENV}")
    session = botocore.session.Session(profile=args.profile)
    credentials = session.get_credentials()
    if credentials is None:
        raise UsageError(
            "no AWS credentials to sign with: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        )
    # botocore reads AWS_DEFAULT_REGION and the profile; AWS_REGION is what the other SDKs read
    region = args.region or os.environ.get("AWS_REGION") or session.get_config_variable("region")
    if not region:
        raise UsageError("no region: pass --region or set AWS_REGION (or a profile's region)")
    return SnapshotApi(args.endpoint, credentials, region)


def wait_for(api: SnapshotApi, snapshot_id: str, timeout: float, progress: Progress) -> dict[str, Any]:
    started = time.monotonic()
    pause = 0.5
    while True:
        view = api.status(snapshot_id)
        elapsed = time.monotonic() - started
        progress.update(snapshot_id, view["status"], elapsed)
        if view["status"] in TERMINAL:
            progress.done()
            return view
        if elapsed > timeout:
            progress.done()
            raise NotReady(f"{snapshot_id} is still {view['status']} after {timeout:g}s")
        time.sleep(pause)
        pause = min(pause * 1.5, 5.0)


def fetch(api: SnapshotApi, view: dict[str, Any], target: Path) -> int:
    """Download a READY snapshot; an expired URL is replaced by a fresh one, once."""
    if view["status"] == "FAILED":
        raise RenderFailed(f"{view['snapshot_id']} FAILED: {view.get('error')}: {view.get('cause')}")
    if view["status"] != "READY":
        raise NotReady(f"{view['snapshot_id']} is {view['status']}, not READY")
    try:
        return download(view["download_url"], target, view["sha256"], view.get("size_bytes"))
    except UrlExpired:
        fresh = api.status(view["snapshot_id"])
        return download(fresh["download_url"], target, fresh["sha256"], fresh.get("size_bytes"))


def run_request(api: SnapshotApi, args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"report": args.report, "format": args.format, "params": parse_params(args.param)}
    if args.data_version is not None:
        body["data_version"] = args.data_version
    if args.force:
        body["force"] = True
    if args.max_age is not None:
        body["max_age_seconds"] = args.max_age
    view = api.request(body)
    if args.wait or args.output:
        view = wait_for(api, view["snapshot_id"], args.timeout, Progress(sys.stderr))
    if args.output:
        _fetch_to(api, view, args.output)
    elif view["status"] == "FAILED":
        raise RenderFailed(f"{view['snapshot_id']} FAILED: {view.get('error')}: {view.get('cause')}")
    return view


def run_status(api: SnapshotApi, args: argparse.Namespace) -> dict[str, Any]:
    view = api.status(args.snapshot_id)
    if args.output:
        _fetch_to(api, view, args.output)
    return view


def run_list(api: SnapshotApi, args: argparse.Namespace) -> dict[str, Any]:
    return api.list(args.report, args.limit, args.next_token)


def _fetch_to(api: SnapshotApi, view: dict[str, Any], target: Path) -> None:
    written = fetch(api, view, target)
    print(f"wrote {target} ({written} bytes, sha256 checked)", file=sys.stderr)


COMMANDS = {"request": run_request, "status": run_status, "list": run_list}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        answer = COMMANDS[args.command](make_api(args), args)
    except (UsageError, ApiRefused) as exc:
        return _fail(EXIT_REFUSED, exc)
    except (ApiUnavailable, DownloadFailed) as exc:
        return _fail(EXIT_UNAVAILABLE, exc)
    except RenderFailed as exc:
        return _fail(EXIT_FAILED, exc)
    except NotReady as exc:
        return _fail(EXIT_NOT_READY, exc)
    print(json.dumps(answer, indent=2))
    return 0


def _fail(code: int, exc: Exception) -> int:
    print(f"snapshot: {exc}", file=sys.stderr)
    return code
