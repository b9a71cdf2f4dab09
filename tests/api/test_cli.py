"""The ``snapshot`` CLI against the sandbox's API (SigV4 checked): requests, waits, downloads with
the sha256 checked, and its exit codes: 2 for a refused request, 1 when the API cannot be
reached (after bounded retries), 3 for a FAILED render, 4 when not READY in time."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiohttp import web

from contracts.timeutil import iso, utc_now
from sandbox.moto_server import FAKE_CREDENTIALS
from snapshot_client.cli import main
from snapshot_client.progress import Progress
from tests.api.conftest import ServedApi
from tests.lambdas.helpers import set_item, wait_queued
from tests.support.threaded_api import api_in_thread

ROOT = Path(__file__).resolve().parents[2]
CONTENT = b"product,orders\r\nwidget,3\r\n"


def run(api: ServedApi, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["--endpoint", api.url, "--region", "us-east-1", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def make_ready(api: ServedApi, key: str, content: bytes = CONTENT, sha256: str | None = None) -> None:
    """What the agent would do: the object in S3, the item READY with its checksum."""
    wait_queued(api.platform, key)
    boto3.client("s3").put_object(
        Bucket=api.platform.bucket, Key=f"snapshots/sales_summary/{key}/g1.csv", Body=content
    )
    digest = sha256 or hashlib.sha256(content).hexdigest()
    set_item(
        api.platform, key, status="READY", rendered_at=iso(utc_now()), size_bytes=len(content), sha256=digest
    )


@pytest.fixture(autouse=True)
def signing_as_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The credentials a user of the sandbox exports."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry pauses the client took, without taking them."""
    pauses: list[float] = []
    monkeypatch.setattr("snapshot_client.api.time.sleep", pauses.append)
    return pauses


def test_request_then_status_then_list(served_api: ServedApi, capsys: pytest.CaptureFixture[str]) -> None:
    code, created, _ = run(served_api, capsys, "request", "sales_summary", "-f", "csv", "-p", "region=AMER")
    assert code == 0 and created["decision"] == "created" and created["params"]["region"] == "AMER"
    code, status, _ = run(served_api, capsys, "status", created["snapshot_id"])
    assert code == 0 and status["snapshot_id"] == created["snapshot_id"]
    code, listing, _ = run(served_api, capsys, "list", "sales_summary", "--limit", "5")
    assert code == 0 and created["snapshot_id"] in [s["snapshot_id"] for s in listing["snapshots"]]


def test_wait_and_download_checks_the_sha256(
    served_api: ServedApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, created, _ = run(
        served_api, capsys, "request", "sales_summary", "-f", "csv", "--data-version", "w1"
    )
    threading.Timer(1.0, make_ready, (served_api, created["key"])).start()
    target = tmp_path / "summary.csv"
    code, ready, err = run(
        served_api, capsys, "request", "sales_summary", "-f", "csv", "--data-version", "w1", "-o", str(target)
    )
    assert code == 0, err
    assert ready["status"] == "READY" and target.read_bytes() == CONTENT
    assert f"{created['snapshot_id']} QUEUED after" in err and "READY after" in err, "plain lines off a TTY"
    assert "sha256 checked" in err


def test_a_download_that_does_not_match_its_sha256_leaves_no_file(
    served_api: ServedApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, created, _ = run(served_api, capsys, "request", "sales_summary", "-f", "csv", "--data-version", "bad")
    make_ready(served_api, created["key"], sha256="0" * 64)
    target = tmp_path / "summary.csv"
    code, _, err = run(served_api, capsys, "status", created["snapshot_id"], "-o", str(target))
    assert code == 1 and "does not match its metadata" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_render_is_exit_3_with_its_cause(
    served_api: ServedApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def fail(key: str) -> None:
        wait_queued(served_api.platform, key)
        set_item(served_api.platform, key, status="FAILED", error="Render.Invalid", cause="no such table")

    args = ("request", "sales_summary", "-f", "csv", "--data-version", "f1")
    _, created, _ = run(served_api, capsys, *args)
    threading.Timer(1.0, fail, (created["key"],)).start()
    code, _, err = run(served_api, capsys, *args, "--wait", "--timeout", "60")
    assert code == 3 and "FAILED: Render.Invalid: no such table" in err
    code, _, err = run(served_api, capsys, "status", created["snapshot_id"], "-o", str(tmp_path / "x.csv"))
    assert code == 3 and list(tmp_path.iterdir()) == []


def test_not_ready_in_time_is_exit_4(served_api: ServedApi, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("request", "sales_summary", "-f", "parquet", "--data-version", "slow", "--wait", "--timeout", "1")
    code, _, err = run(served_api, capsys, *args)
    assert code == 4 and "after 1s" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("request", "nope", "-f", "csv"), "404: unknown report 'nope'"),
        (("request", "sales_summary", "-f", "csv", "-p", "region=MARS"), "422: invalid params"),
        (("request", "sales_summary", "-f", "csv", "-p", "region"), "expected KEY=TEXT or KEY:=JSON"),
        (("request", "sales_summary", "-f", "csv", "-p", "n:={"), "is not JSON"),
        (("status", "not-an-id"), "400: 'not-an-id' is not a snapshot id"),
    ],
)
def test_a_refused_request_is_exit_2_with_the_apis_message(
    served_api: ServedApi, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(served_api, capsys, *argv)
    assert code == 2 and out is None
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_the_region_comes_from_the_environment_as_the_readme_says(
    served_api: ServedApi, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """Found by following the README by hand: botocore alone reads only AWS_DEFAULT_REGION."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "us-east-1")
    monkeypatch.setenv("SNAPSHOT_API_URL", served_api.url)
    assert main(["list", "sales_summary", "--limit", "1"]) == 0, capsys.readouterr().err


def test_no_region_is_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    assert main(["--endpoint", "http://127.0.0.1:9", "list", "sales_summary"]) == 2
    assert "no region" in capsys.readouterr().err


def test_no_endpoint_is_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SNAPSHOT_API_URL", raising=False)
    assert main(["list", "sales_summary"]) == 2
    assert "no API endpoint" in capsys.readouterr().err


def test_no_answer_is_exit_1_after_bounded_retries(
    capsys: pytest.CaptureFixture[str], no_pauses: list[float]
) -> None:
    code = main(["--endpoint", "http://127.0.0.1:9", "--region", "us-east-1", "list", "sales_summary"])
    assert code == 1 and "after 4 attempts" in capsys.readouterr().err
    assert len(no_pauses) == 3 and all(0 <= p <= 8 for p in no_pauses)


@pytest.fixture
def always_503() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    async def unavailable(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.json_response({"message": "Service Unavailable"}, status=503)

    app = web.Application()
    app.router.add_route("*", "/{anything:.*}", unavailable)
    with api_in_thread(app) as url:
        yield url, seen


def test_a_5xx_is_retried_re_signed_then_exit_1(
    always_503: tuple[str, list[str]], capsys: pytest.CaptureFixture[str], no_pauses: list[float]
) -> None:
    url, seen = always_503
    assert main(["--endpoint", url, "--region", "us-east-1", "list", "sales_summary"]) == 1
    assert "503: Service Unavailable (after 4 attempts)" in capsys.readouterr().err
    assert len(seen) == 4 and all(s.startswith("AWS4-HMAC-SHA256 Credential=") for s in seen)


def test_the_console_script_is_installed(served_api: ServedApi) -> None:
    script = Path(sys.executable).with_name("snapshot")
    done = subprocess.run(
        [str(script), "--endpoint", served_api.url, "list", "sales_summary", "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report"] == "sales_summary"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_rewrites_one_line_on_a_terminal_and_prints_changes_elsewhere() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(stream)
        for status, elapsed in (("QUEUED", 0.0), ("QUEUED", 1.0), ("RENDERING", 2.0), ("READY", 3.0)):
            progress.update("k-g1", status, elapsed)
        progress.done()
    shown = terminal.getvalue()
    assert shown.count("\r") == 4 and shown.endswith("\n")
    assert shown.rsplit("\r", 1)[1] == "k-g1 READY 3s    \n", "padded over the longer line before it"
    assert log.getvalue().splitlines() == [
        "k-g1 QUEUED after 0.0s",
        "k-g1 RENDERING after 2.0s",
        "k-g1 READY after 3.0s",
    ]
