"""What the image holds, exercised for real here: the agent installed by install-agent.sh into a
throwaway root runs; systemd accepts both units and rates the agent's exposure low; the unit's
contract with the user data, the agent and Terraform holds; the unit's command, fed the
environment file the Terraform user data writes, runs a real agent against moto that drains on
SIGTERM; configure-cloudwatch fills the CloudWatch agent's config from a local IMDSv2; the
CloudWatch config scrapes the agent's port and publishes metrics the agent has."""

from __future__ import annotations

import configparser
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from agent.metrics import AgentMetrics
from agent.settings import AgentSettings
from contracts.metrics import AGENT_NAMESPACE
from sandbox.moto_server import free_port
from sandbox.platform import Platform
from tests.packer.conftest import DIST, PACKER, ROOT, wheel
from tests.terraform.hcl_model import TERRAFORM, load_module, unquote
from tests.terraform.tools import TERRAFORM_FMT, require

UNIT = "snapshot-agent.service"
CW_ETC = Path("opt/aws/amazon-cloudwatch-agent/etc")


def unit(name: str = UNIT) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKER / "rootfs" / "etc" / "systemd" / "system" / name)
    return parser


def test_the_agent_runs_from_its_own_venv(installed_root: Path) -> None:
    venv = installed_root / "opt" / "snapshot-agent" / "venv"
    done = subprocess.run([str(venv / "bin" / "snapshot-agent"), "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "snapshot-agent 0.1.0")
    assert not (venv / "bin" / "pip").exists(), "pip is removed from the runtime venv"
    build = (installed_root / "opt" / "snapshot-agent" / "BUILD").read_text()
    assert "agent_version=0.1.0" in build and f"git_sha={'0' * 40}" in build
    assert (installed_root / "etc" / "systemd" / "system" / UNIT).exists()
    assert oct((installed_root / "etc/snapshot-agent/agent.env").stat().st_mode & 0o777) == "0o640"


@pytest.mark.parametrize("name", [UNIT, "snapshot-agent-cloudwatch.service"])
def test_systemd_analyze_verify_accepts_the_units(installed_root: Path, name: str) -> None:
    done = subprocess.run(
        ["systemd-analyze", "verify", f"--root={installed_root}", name], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_verify_would_reject_a_unit_whose_command_is_missing(installed_root: Path, tmp_path: Path) -> None:
    broken = installed_root / "etc" / "systemd" / "system" / "broken-test.service"
    broken.write_text(
        unit_text().replace("/opt/snapshot-agent/venv/bin/snapshot-agent", "/opt/nowhere/agent")
    )
    try:
        done = subprocess.run(
            ["systemd-analyze", "verify", f"--root={installed_root}", broken.name],
            capture_output=True,
            text=True,
        )
    finally:
        broken.unlink()
    assert done.returncode != 0 and "is not executable" in done.stderr


def unit_text() -> str:
    return (PACKER / "rootfs" / "etc" / "systemd" / "system" / UNIT).read_text()


def test_exposure_is_low() -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(PACKER / "rootfs/etc/systemd/system" / UNIT)],
        capture_output=True,
        text=True,
    )
    exposure = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    assert exposure <= 1.5, done.stdout


def test_the_unit_keeps_its_contracts() -> None:
    service = unit()["Service"]
    assert service["User"] == "snapshot-agent"
    assert service["ExecStart"] == "/opt/snapshot-agent/venv/bin/snapshot-agent"
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    for hardening in ("NoNewPrivileges", "ProtectHome", "PrivateTmp"):
        assert service[hardening] == "yes"
    assert service["ProtectSystem"] == "strict" and service["StateDirectory"] == "snapshot-agent"
    assert "MemoryMax" in service
    # The user data writes the file the unit reads; systemd waits longer than the agent drains,
    # and the ASG's lifecycle hook longer still.
    assert service["EnvironmentFile"] == "/etc/snapshot-agent/agent.env"
    assert (
        "cat > /etc/snapshot-agent/agent.env"
        in (TERRAFORM / "modules/workers/user_data.sh.tftpl").read_text()
    )
    workers = load_module(TERRAFORM / "modules" / "workers")
    drain = int(unquote(workers.variables["drain_seconds"]["default"]))
    assert int(service["TimeoutStopSec"]) > drain
    assert "var.drain_seconds + 60" in str(
        workers.resources[("aws_autoscaling_group", "agents")]["initial_lifecycle_hook"]
    )


def rendered_user_data(platform: Platform, metrics_port: int) -> str:
    """The workers module's real template, rendered by Terraform's own templatefile()."""
    environment = {
        "SNAPSHOT_QUEUE_URL": platform.queue_url,
        "SNAPSHOT_BUCKET": platform.bucket,
        "SNAPSHOT_TABLE": platform.table,
        "SNAPSHOT_CATALOG_URI": platform.catalog_uri,
        "SNAPSHOT_METRICS_PORT": str(metrics_port),
        "SNAPSHOT_METRICS_HOST": "127.0.0.1",
        "SNAPSHOT_DRAIN_SECONDS": "5",
        "SNAPSHOT_POLL_WAIT_SECONDS": "1",
        "SNAPSHOT_DATA_SOURCES": json.dumps({"demo": "sqlite+aiosqlite:////nonexistent.db"}),
    }
    expression = (
        f'templatefile("{TERRAFORM}/modules/workers/user_data.sh.tftpl", '
        f'{{environment = jsondecode({json.dumps(json.dumps(environment))}), fleet_name = "test-agents"}})'
    )
    done = subprocess.run(
        [str(require(TERRAFORM_FMT)), "console"],
        input=expression,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT / "build",
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_unit_command_with_the_user_data_environment_runs_and_drains(
    installed_root: Path, platform: Platform, tmp_path: Path
) -> None:
    port = free_port()
    script = rendered_user_data(platform, port)
    env_file = re.search(r"<<'ENV'\n(.*?)\nENV\n", script, re.S).group(1)  # type: ignore[union-attr]
    assert "FLEET_NAME=%s" in script and "'test-agents'" in script
    (tmp_path / "agent.env").write_text(env_file + "\n")
    service = unit()["Service"]
    command = str(installed_root) + service["ExecStart"]
    # systemd's EnvironmentFile and bash agree on KEY='value' lines, the only form the template writes.
    aws = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    log = tmp_path / "agent.log"
    with log.open("wb") as output:
        agent = subprocess.Popen(
            ["bash", "-c", f"set -a; . {tmp_path / 'agent.env'}; exec {command}"],
            env={"PATH": "/usr/bin:/bin", **aws},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    if json.loads(response.read())["ready"]:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the agent never became ready: {log.read_text()[-2000:]}")
        agent.send_signal(getattr(signal, service["KillSignal"]))
        assert agent.wait(timeout=int(service["TimeoutStopSec"])) == 0
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()


class FakeImds(BaseHTTPRequestHandler):
    token = "t0ken"

    def do_PUT(self) -> None:
        ok = self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self._answer(200 if ok else 400, self.token)

    def do_GET(self) -> None:
        if self.headers.get("X-aws-ec2-metadata-token") != self.token:
            self._answer(401, "")
        elif self.path == "/latest/meta-data/instance-id":
            self._answer(200, "i-0123456789abcdef0")
        else:
            self._answer(404, "")

    def _answer(self, status: int, body: str) -> None:
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def imds() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeImds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def configure(root: Path, imds: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    ctl = tmp_path / "ctl"
    ctl.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "ctl.args"}\n')
    ctl.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "DESTDIR": str(root), "IMDS_URL": imds, "CWAGENT_CTL": str(ctl)}
    script = root / "usr/local/libexec/snapshot-agent/configure-cloudwatch"
    return subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_configure_cloudwatch_fills_fleet_and_instance_then_starts_the_agent(
    installed_root: Path, imds: str, tmp_path: Path
) -> None:
    (installed_root / "etc/snapshot-agent/fleet.env").write_text("FLEET_NAME=snapshot-dev-agents\n")
    done = configure(installed_root, imds, tmp_path)
    assert done.returncode == 0, done.stderr
    etc = installed_root / CW_ETC
    prometheus = yaml.safe_load((etc / "prometheus.yaml").read_text())
    labels = prometheus["scrape_configs"][0]["static_configs"][0]["labels"]
    assert labels == {"AutoScalingGroupName": "snapshot-dev-agents", "InstanceId": "i-0123456789abcdef0"}
    config = json.loads((etc / "amazon-cloudwatch-agent.json").read_text())
    assert (
        config["logs"]["logs_collected"]["prometheus"]["log_group_name"]
        == "/snapshot-engine/snapshot-dev-agents/prometheus"
    )
    args = (tmp_path / "ctl.args").read_text().split()
    assert args[:5] == ["-a", "fetch-config", "-m", "ec2", "-s"]
    assert args[-1] == f"file:{etc}/amazon-cloudwatch-agent.json"


def test_configure_cloudwatch_refuses_a_bad_fleet_name(
    installed_root: Path, imds: str, tmp_path: Path
) -> None:
    (installed_root / "etc/snapshot-agent/fleet.env").write_text("FLEET_NAME='a b; rm -rf /'\n")
    done = configure(installed_root, imds, tmp_path)
    assert done.returncode == 2
    assert "FLEET_NAME" in done.stderr and not (tmp_path / "ctl.args").exists()


def test_cloudwatch_scrapes_the_agent_and_publishes_what_the_alarms_read() -> None:
    etc = PACKER / "rootfs" / CW_ETC
    prometheus = yaml.safe_load((etc / "prometheus.yaml.in").read_text())
    (job,) = prometheus["scrape_configs"]
    assert job["job_name"] == "snapshot-agent" and job["metrics_path"] == "/metrics"
    port = int(job["static_configs"][0]["targets"][0].rsplit(":", 1)[1])
    assert port == AgentSettings.model_fields["metrics_port"].default
    metrics_type = load_module(TERRAFORM / "modules/workers").variables["metrics"]["type"]
    terraform_port = re.search(r"\bport\s*=\s*optional\(number,\s*(\d+)\)", metrics_type)
    assert terraform_port is not None and port == int(terraform_port.group(1))
    emf = json.loads((etc / "amazon-cloudwatch-agent.json.in").read_text())["logs"]["logs_collected"][
        "prometheus"
    ]["emf_processor"]
    exposed = {sample.name for metric in AgentMetrics().registry.collect() for sample in metric.samples} | {
        f"{m.name}_total" for m in AgentMetrics().registry.collect() if m.type == "counter"
    }
    published: dict[str, list[list[str]]] = {}
    for declaration in emf["metric_declaration"]:
        assert re.fullmatch(declaration["label_matcher"], job["job_name"])
        for selector in declaration["metric_selectors"]:
            name = selector.strip("^$")
            assert name in exposed, f"{name} is not a metric the agent exposes"
            published[name] = declaration["dimensions"]
    assert {"snapshot_agent_busy_ratio", "snapshot_agent_jobs_in_flight", "snapshot_agent_capacity"} <= set(
        published
    )
    monitoring = load_module(TERRAFORM / "modules" / "monitoring")
    platform = load_module(TERRAFORM / "platform")
    assert emf["metric_namespace"] == AGENT_NAMESPACE
    assert unquote(platform.locals["agent_metrics_namespace"]) == AGENT_NAMESPACE
    watched = platform.calls["monitoring"]["watched"]
    for passed in (platform.calls["workers"]["agent_metrics_namespace"], watched["agent_metrics_namespace"]):
        assert unquote(passed) == "${local.agent_metrics_namespace}"
    alarm = monitoring.resources[("aws_cloudwatch_metric_alarm", "agent_errors")]
    dimensions = sorted(alarm["dimensions"])
    assert dimensions in published[unquote(alarm["metric_name"])], (
        "the alarm's dimensions are never published"
    )


def test_the_wheel_holds_the_agent_the_client_and_the_migration_tools_and_nothing_else() -> None:
    names = zipfile.ZipFile(wheel()).namelist()
    assert {
        "agent/cli.py",
        "agent/worker.py",
        "agent/renderers/sql/renderer.py",
        "contracts/messages.py",
    } <= set(names)
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"agent", "contracts", "snapshot_client", "migrate"}
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel()).read(entry_points).decode()
    assert "snapshot-agent = agent.cli:main" in scripts and "snapshot = snapshot_client.cli:main" in scripts
    assert "migrate = migrate.cli:main" in scripts
    requirements = (DIST / "requirements.txt").read_text()
    assert "--hash=sha256:" in requirements and "moto" not in requirements and "pytest" not in requirements
