"""Every relation of the timers table (docs/timers.md), held over Terraform's variables, the ASL, the
agent's settings, the systemd unit and the sandbox's options: one test per relation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agent.dead_letters import KEEP_FOR_OPERATOR_SECONDS
from agent.renderers.browser.renderer import WATCHDOG_GRACE_SECONDS, BrowserSource, watchdog_seconds
from agent.renderers.browser.secrets import TTL_SECONDS as BROWSER_SECRET_TTL
from agent.renderers.sql.extract.copy_reader import PSQL_EXIT_WAIT_SECONDS, PSQL_FAILED_WAIT_SECONDS
from agent.renderers.sql.extract.extracts import STOP_WAIT_SECONDS
from agent.renderers.sql.extract.reader_process import EXIT_WAIT_SECONDS, START_WAIT_SECONDS
from agent.secret_passwords import REFRESH_SECONDS
from agent.settings import AgentSettings
from contracts.asl_template import ASL_PATH, LOAD_ASL_PATH
from contracts.topology import JOBS_RETENTION_SECONDS
from lambdas.entitlements import UNPROCESSED_ATTEMPTS, UNPROCESSED_PAUSE_SECONDS
from lambdas.executions import LIVENESS_TTL_SECONDS, execution_name
from lambdas.settings import (
    ENTITLEMENTS_TTL_SECONDS,
    PENDING_SECONDS,
    RETENTION_DAYS,
    SWEEP_SECONDS,
    ReconcilerSettings,
    StatusSettings,
    TriggerSettings,
)
from lambdas.snapshots import STALE_CHECK_SECONDS
from sandbox.data_platform import DataPlatform, LoadOptions
from sandbox.event_shim import RETRY_VISIBILITY_SECONDS
from sandbox.execution_events import POLL_SECONDS
from sandbox.platform import Platform, PlatformOptions
from sandbox.sigv4 import SIGNATURE_MAX_SKEW_SECONDS
from scaling.policy import Policy
from simulator.fleet import FleetModel
from snapshot_client.api import Retries
from snapshot_client.cli import DEFAULT_WAIT_SECONDS
from tests.terraform.hcl_model import ROOT, TERRAFORM, load_module, unquote

MODULES = TERRAFORM / "modules"
UNIT = ROOT / "packer" / "rootfs" / "etc" / "systemd" / "system" / "snapshot-agent.service"
# How long Step Functions keeps a closed Standard execution's name (AWS's documented quota).
EXECUTION_NAME_DAYS = 90
REQUIRED: dict[str, Any] = {"queue_url": "q", "bucket": "b", "table": "t", "catalog_uri": "s3://b/k"}


def code(path: Path) -> str:
    """A file's text with its white space folded, so formatting never decides a test."""
    return " ".join(path.read_text().split())


def default(module: str, variable: str) -> int:
    directory = TERRAFORM / "platform" if module == "platform" else MODULES / module
    return int(unquote(load_module(directory).variables[variable]["default"]))


def agent_default(field: str) -> float:
    value = AgentSettings.model_fields[field].default
    assert isinstance(value, int | float)
    return value


def sandbox_platform(options: PlatformOptions) -> Platform:
    data = DataPlatform("landing", "ledger", "load-arn", "s3://b/d", "lq", "rq")
    return Platform(
        "p", "r", "b", "t", "l", "ent", "q", "d", "e", "es", "bus", "arn", "s3://b/k", data, "key", options
    )


def test_the_state_machines_own_writes_retry_as_the_readme_says() -> None:
    text = code(ASL_PATH)
    row = timers_row("state machine's own writes")
    assert "1 s, doubling, 5 times (31 s in all)" in row and "3 times" in row
    assert text.count('"IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0') == 3
    assert text.count('"IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2.0') == 2
    assert sum(2**n for n in range(5)) == 31


def test_render_has_a_job_budget_and_no_heartbeat_clock() -> None:
    """Nobody can heartbeat a job no agent has picked up: a HeartbeatSeconds would fail every job
    that waits longer than it for capacity."""
    template = ASL_PATH.read_text()
    render = re.search(r'"Render": \{(.*?)\n    \},', template, re.S)
    assert render is not None
    assert '"TimeoutSeconds": ${job_timeout_seconds}' in render[1]
    assert "HeartbeatSeconds" not in template
    retried = re.findall(r'"ErrorEquals": \[([^\]]*)\]', render[1].split('"Catch"')[0])
    assert not any("States.Timeout" in r or "States.HeartbeatTimeout" in r for r in retried), (
        "a spent job budget is not retried"
    )


def test_the_job_budget_covers_a_render_and_the_longest_capacity_wait() -> None:
    job, render, wait = (
        default("platform", "job_timeout_seconds"),
        default("platform", "render_timeout_seconds"),
        default("platform", "capacity_wait_seconds"),
    )
    assert job >= render + wait
    orchestration = code(MODULES / "orchestration" / "main.tf")
    assert (
        "var.job_timeout_seconds >= var.render_timeout_seconds + var.capacity_wait_seconds" in orchestration
    )
    assert PlatformOptions().job_timeout_seconds >= PlatformOptions().render_timeout_seconds + wait


def test_the_agents_render_timeout_is_the_platforms() -> None:
    platform = load_module(TERRAFORM / "platform")
    assert (
        "render_timeout_seconds = tostring(var.render_timeout_seconds)" in platform.locals["agent_settings"]
    )
    assert default("platform", "render_timeout_seconds") == agent_default("render_timeout_seconds")
    env = sandbox_platform(PlatformOptions()).agent_env({})
    assert env["SNAPSHOT_RENDER_TIMEOUT_SECONDS"] == str(PlatformOptions().render_timeout_seconds)


def test_visibility_outlasts_two_heartbeats() -> None:
    assert agent_default("visibility_timeout_seconds") >= 2 * agent_default("heartbeat_seconds")
    with pytest.raises(ValidationError, match="at least twice"):
        AgentSettings(**REQUIRED, visibility_timeout_seconds=10, heartbeat_seconds=6)
    for visibility in (2, 4, 60):
        env = sandbox_platform(PlatformOptions(visibility_timeout_seconds=visibility)).agent_env({})
        assert int(env["SNAPSHOT_VISIBILITY_TIMEOUT_SECONDS"]) >= 2 * float(env["SNAPSHOT_HEARTBEAT_SECONDS"])


def test_poison_is_caught_one_receive_before_the_dead_letter_queue() -> None:
    max_receive_count = default("queue", "max_receive_count")
    assert agent_default("max_receives") < max_receive_count
    platform = load_module(TERRAFORM / "platform")
    assert "max_receives = tostring(module.queue.max_receive_count - 1)" in " ".join(
        platform.locals["agent_settings"].split()
    )
    options = PlatformOptions()
    assert (
        int(sandbox_platform(options).agent_env({})["SNAPSHOT_MAX_RECEIVES"]) == options.max_receive_count - 1
    )


SQS_MAX_VISIBILITY_SECONDS = 43_200  # AWS's limit on a message's visibility timeout


def test_the_dead_letter_sweep_ends_a_task_long_before_its_budget() -> None:
    """A job in the DLQ has its task failed within a sweep, not at its job budget, and the DLQ
    keeps what it holds for many sweeps."""
    sweep = agent_default("dead_letter_sweep_seconds")
    assert sweep * 10 <= default("platform", "job_timeout_seconds")
    assert sweep * 10 <= default("queue", "dlq_retention_seconds")


def test_a_tokenless_dead_letter_is_hidden_from_sweeps_but_kept_for_an_operator() -> None:
    """The sweeper hides a dead letter it cannot settle for longer than a sweep (it is not logged
    every minute), within SQS's limit, and well inside the DLQ's retention."""
    sweep = agent_default("dead_letter_sweep_seconds")
    assert sweep < KEEP_FOR_OPERATOR_SECONDS <= SQS_MAX_VISIBILITY_SECONDS
    assert default("queue", "dlq_retention_seconds") >= KEEP_FOR_OPERATOR_SECONDS * 10


def test_the_queue_keeps_a_message_longer_than_its_job_budget() -> None:
    queue = code(MODULES / "queue" / "main.tf")
    (retention,) = re.findall(r"message_retention_seconds\s*=\s*(\d+)", queue)
    assert int(retention) == JOBS_RETENTION_SECONDS
    assert int(retention) > default("platform", "job_timeout_seconds")


def test_the_queues_own_visibility_outlasts_a_render() -> None:
    """A reader that sets no visibility of its own (not the agent) never sees a running job twice."""
    assert "visibility_timeout_seconds = var.render_timeout_seconds + 60" in code(
        MODULES / "queue" / "main.tf"
    )


def test_the_lifecycle_hook_and_systemd_wait_longer_than_the_drain() -> None:
    workers = code(MODULES / "workers" / "main.tf")
    drain = default("workers", "drain_seconds")
    assert "SNAPSHOT_DRAIN_SECONDS = tostring(var.drain_seconds)" in workers
    assert "heartbeat_timeout = var.drain_seconds + 60" in workers
    assert (
        'tonumber(lookup(var.agent_settings, "drain_seconds", var.drain_seconds)) <= var.drain_seconds'
        in workers
    ), "an agent_settings drain longer than the hook's must be refused"
    (stop,) = re.findall(r"^TimeoutStopSec=(\d+)$", UNIT.read_text(), re.M)
    assert int(stop) > drain


def test_the_simulator_runs_the_clocks_terraform_and_the_agent_set() -> None:
    model = FleetModel()
    assert model.job_budget_s == default("platform", "job_timeout_seconds")
    assert model.visibility_s == agent_default("visibility_timeout_seconds")
    assert model.heartbeat_s is None, "the platform has no heartbeat clock from the send"
    orchestration = load_module(MODULES / "orchestration").variables
    assert model.retry_interval_s == int(unquote(orchestration["retry_interval_seconds"]["default"]))
    assert model.retry_max_attempts == int(unquote(orchestration["retry_max_attempts"]["default"]))
    assert model.max_receives == agent_default("max_receives")
    assert (model.reconciler.sweep_s, model.reconciler.pending_s) == (SWEEP_SECONDS, PENDING_SECONDS)


def timers_row(clock: str) -> str:
    table = (ROOT / "docs" / "timers.md").read_text()
    row = re.search(rf"^\| {re.escape(clock)} \|(.*)$", table, re.M)
    assert row is not None, f"the timers table (docs/timers.md) has no {clock!r} row"
    return row[1]


def test_a_signature_is_refused_past_api_gateways_five_minutes() -> None:
    assert SIGNATURE_MAX_SKEW_SECONDS == 5 * 60
    assert "5 min" in timers_row("request signature") and "SIGNATURE_MAX_SKEW_SECONDS" in timers_row(
        "request signature"
    )


def test_the_download_url_lives_as_long_as_the_status_lambda_says() -> None:
    presign = StatusSettings(
        table_name="t", catalog_uri="s3://b/k", entitlements_table="ent", page_token_key="key"
    ).presign_seconds
    assert f"({presign} s)" in timers_row("download URL")
    assert "PRESIGN_SECONDS" not in code(MODULES / "api" / "main.tf"), "Terraform leaves the default"


def test_the_clis_wait_and_retries_are_the_readmes() -> None:
    assert f"({DEFAULT_WAIT_SECONDS:.0f} s)" in timers_row("CLI wait")
    retries = Retries()
    row = timers_row("CLI retries")
    assert f"{retries.attempts} attempts" in row
    assert f"{retries.first_pause} s \u00d7 2\u207f, at most {retries.max_pause:.0f} s" in row
    # the longest a user waits for an unreachable API before exit 1: the pauses between attempts
    assert sum(min(retries.max_pause, retries.first_pause * 2**n) for n in range(1, retries.attempts)) <= 30


def test_an_entitlement_change_reaches_callers_within_the_stated_cache_time() -> None:
    row = timers_row("entitlement cache")
    assert f"({ENTITLEMENTS_TTL_SECONDS:.0f} s; the sandbox 0)" in row
    assert TriggerSettings.model_fields["entitlements_ttl_seconds"].default == ENTITLEMENTS_TTL_SECONDS
    assert StatusSettings.model_fields["entitlements_ttl_seconds"].default == ENTITLEMENTS_TTL_SECONDS
    assert sandbox_platform(PlatformOptions()).lambda_env()["ENTITLEMENTS_TTL_SECONDS"] == "0"
    assert "ENTITLEMENTS_TTL_SECONDS" not in code(MODULES / "api" / "main.tf"), "Terraform leaves the default"


def test_an_item_dies_before_its_execution_name_and_no_name_is_asked_for_twice() -> None:
    """Step Functions keeps a closed Standard execution's name for 90 days; the item lives 30. A
    request after the item expired must not meet its old execution's name."""
    row = timers_row("snapshot item retention")
    assert TriggerSettings.model_fields["retention_days"].default == RETENTION_DAYS
    assert f"`RETENTION_DAYS` of the trigger ({RETENTION_DAYS} days)" in row
    assert RETENTION_DAYS < EXECUTION_NAME_DAYS
    assert "RETENTION_DAYS" not in code(MODULES / "api" / "main.tf"), "Terraform leaves the default"
    assert execution_name({"snapshot_id": "k-g1", "attempt": "a1"}) == "k-g1-a1"
    assert len(execution_name({"snapshot_id": f"{'0' * 32}-g{'9' * 10}", "attempt": "a" * 12})) <= 80


def test_a_request_asks_whether_an_old_renders_execution_still_runs() -> None:
    assert f"`STALE_CHECK_SECONDS` in `lambdas/snapshots.py` ({STALE_CHECK_SECONDS} s)" in timers_row(
        "in-progress check"
    )
    assert f"`LIVENESS_TTL_SECONDS` in `lambdas/executions.py` ({LIVENESS_TTL_SECONDS:.0f} s)" in timers_row(
        "execution liveness"
    )
    assert LIVENESS_TTL_SECONDS <= STALE_CHECK_SECONDS / 5


def test_throttled_entitlement_reads_give_up_well_inside_the_lambdas_timeouts() -> None:
    row = timers_row("entitlement reads throttled")
    assert f"`UNPROCESSED_ATTEMPTS` ({UNPROCESSED_ATTEMPTS})" in row
    assert f"`UNPROCESSED_PAUSE_SECONDS` ({UNPROCESSED_PAUSE_SECONDS} s, doubling)" in row
    pauses = sum(UNPROCESSED_PAUSE_SECONDS * 2**n for n in range(UNPROCESSED_ATTEMPTS - 1))
    assert f"({pauses:.2f} s in all)" in row
    functions = code(MODULES / "api" / "main.tf")
    timeouts = [int(t) for t in re.findall(r"timeout = (\d+)", functions)]
    assert timeouts and pauses < min(timeouts) / 10


def test_a_stopped_extract_is_not_waited_for_past_a_tenth_of_the_drain() -> None:
    row = timers_row("stopped extract")
    assert (
        f"`STOP_WAIT_SECONDS` in `agent/renderers/sql/extract/extracts.py` ({STOP_WAIT_SECONDS:.0f} s)" in row
    )
    drain = agent_default("drain_seconds")
    assert f"`SNAPSHOT_DRAIN_SECONDS`, {drain:.0f} s" in row
    assert drain / 10 >= STOP_WAIT_SECONDS


def test_the_fast_readers_fork_server_starts_and_stops_inside_the_render_and_drain_budgets() -> None:
    start = timers_row("fast reader start")
    assert (
        "`START_WAIT_SECONDS` in `agent/renderers/sql/extract/reader_process.py`"
        f" ({START_WAIT_SECONDS:.0f} s)" in start
    )
    render_timeout = default("platform", "render_timeout_seconds")
    assert f"(`render_timeout_seconds`, {render_timeout} s)" in start
    assert render_timeout / 10 >= START_WAIT_SECONDS
    stop = timers_row("fast reader server stop")
    assert (
        f"`EXIT_WAIT_SECONDS` in `agent/renderers/sql/extract/reader_process.py` ({EXIT_WAIT_SECONDS:.0f} s)"
        in stop
    )
    drain = agent_default("drain_seconds")
    assert f"`SNAPSHOT_DRAIN_SECONDS`, {drain:.0f} s" in stop
    assert drain / 10 >= EXIT_WAIT_SECONDS


@pytest.mark.parametrize(
    ("name", "constant", "seconds"),
    [
        ("psql exit", "PSQL_EXIT_WAIT_SECONDS", PSQL_EXIT_WAIT_SECONDS),
        ("psql failure check", "PSQL_FAILED_WAIT_SECONDS", PSQL_FAILED_WAIT_SECONDS),
    ],
)
def test_the_copy_routes_waits_on_psql_fit_inside_the_render_timeout(
    name: str, constant: str, seconds: float
) -> None:
    row = timers_row(name)
    assert f"`{constant}` in `agent/renderers/sql/extract/copy_reader.py` ({seconds:.0f} s)" in row
    render_timeout = default("platform", "render_timeout_seconds")
    assert f"(`render_timeout_seconds`, {render_timeout} s)" in row
    assert render_timeout / 10 >= seconds


def test_the_load_budget_covers_a_load_and_the_longest_capacity_wait() -> None:
    etl = load_module(MODULES / "etl").variables
    budget = int(unquote(etl["load_job_timeout_seconds"]["default"]))
    assert budget >= agent_default("load_timeout_seconds") + default("platform", "capacity_wait_seconds")
    assert int(unquote(etl["load_timeout_seconds"]["default"])) == agent_default("load_timeout_seconds")
    assert "var.load_job_timeout_seconds >= var.load_timeout_seconds + var.capacity_wait_seconds" in code(
        MODULES / "etl" / "load.tf"
    )
    platform = " ".join(code(TERRAFORM / "platform" / "main.tf").split())
    loads_default = int(agent_default("load_timeout_seconds"))
    assert f'lookup(var.agent_settings, "load_timeout_seconds", "{loads_default}")' in platform
    assert LoadOptions().load_job_timeout_seconds == budget
    assert f"({budget // 3600} h)" in timers_row("load job budget")
    assert f"({loads_default} s)" in timers_row("load timeout")


def test_the_load_job_waits_on_no_heartbeat_and_a_spent_budget_is_not_retried() -> None:
    template = LOAD_ASL_PATH.read_text()
    load = re.search(r'"Load": \{(.*?)\n    \},', template, re.S)
    assert load is not None
    assert '"TimeoutSeconds": ${load_job_timeout_seconds}' in load[1]
    assert "HeartbeatSeconds" not in template
    retried = re.findall(r'"ErrorEquals": \[([^\]]*)\]', load[1].split('"Catch"')[0])
    assert retried == ['"Load.Transient"', '"Load.Queued"']


def test_a_queued_load_asks_again_as_the_readme_says() -> None:
    etl = load_module(MODULES / "etl").variables
    interval = int(unquote(etl["queued_interval_seconds"]["default"]))
    attempts = int(unquote(etl["queued_max_attempts"]["default"]))
    row = timers_row("load waiting its turn")
    assert f"`queued_interval_seconds` {interval} s, `queued_max_attempts` {attempts} times" in row
    assert f"({interval * attempts // 3600} h;" in row
    sandbox = PlatformOptions()
    assert f"asks every {sandbox.queued_interval_seconds} s, {sandbox.queued_max_attempts} times)" in row
    assert (LoadOptions().queued_interval_seconds, LoadOptions().queued_max_attempts) == (
        sandbox.queued_interval_seconds,
        sandbox.queued_max_attempts,
    )
    template = LOAD_ASL_PATH.read_text()
    queued = template[template.index('"ErrorEquals": ["Load.Queued"]') :].split("\n        }", 1)[0]
    assert '"IntervalSeconds": ${queued_interval_seconds}' in queued
    assert '"MaxAttempts": ${queued_max_attempts}' in queued
    assert '"BackoffRate": 1.0' in queued


def test_a_dataset_lease_outlives_its_renewal_and_is_shorter_than_a_load() -> None:
    lease = agent_default("lease_seconds")
    assert lease < agent_default("load_timeout_seconds")
    assert f"({lease:.0f} s)" in timers_row("dataset lease")


def test_the_event_buffering_and_landing_retention_are_the_readmes() -> None:
    ingestion = load_module(MODULES / "ingestion").variables
    assert f"({unquote(ingestion['buffering_seconds']['default'])} s)" in timers_row("event buffering")
    assert f"({unquote(ingestion['buffering_mb']['default'])} MB)" in timers_row("event buffering")
    etl = load_module(MODULES / "etl").variables
    row = timers_row("landed files kept")
    assert f"({unquote(etl['landing_days']['default'])} days)" in row
    assert f"({unquote(etl['rejects_days']['default'])} days)" in row
    assert f"({RETRY_VISIBILITY_SECONDS} s;" in timers_row("sandbox event retry")


def test_a_rotated_password_is_picked_up_within_the_retries_reach() -> None:
    orchestration = load_module(MODULES / "orchestration").variables
    first = int(unquote(orchestration["retry_interval_seconds"]["default"]))
    attempts = int(unquote(orchestration["retry_max_attempts"]["default"]))
    # the last retry starts after all the waits: by then the secret has been read again
    assert sum(first * 2**n for n in range(attempts)) > REFRESH_SECONDS
    assert f"({REFRESH_SECONDS:.0f} s)" in timers_row("data source password")
    assert f"({BROWSER_SECRET_TTL:.0f} s)" in timers_row("browser credential")


def test_the_browser_watchdog_is_the_readmes_and_a_page_fits_the_render_timeout() -> None:
    row = timers_row("browser watchdog")
    assert f"`WATCHDOG_GRACE_SECONDS` ({WATCHDOG_GRACE_SECONDS:.0f} s)" in row
    page = {"url": "https://dash.example/d", "timeout_seconds": 60}
    login = {"type": "form_login", "secret": "s", "login_url": "https://dash.example/login"}
    times = "\u00d7"  # the table's multiplication sign
    assert f"{times} 2" in row and watchdog_seconds(BrowserSource.model_validate(page)) == 60 * 2 + 15
    with_login = BrowserSource.model_validate({**page, "auth": login})
    assert f"{times} 4 with `form_login`" in row and watchdog_seconds(with_login) == 60 * 4 + 15
    render_timeout = default("platform", "render_timeout_seconds")
    BrowserSource.model_validate({**page, "timeout_seconds": render_timeout})
    with pytest.raises(ValidationError):
        BrowserSource.model_validate({**page, "timeout_seconds": render_timeout + 1})


def test_load_retries_and_landed_event_delivery_are_the_readmes() -> None:
    etl = load_module(MODULES / "etl")
    first = int(unquote(etl.variables["retry_interval_seconds"]["default"]))
    attempts = int(unquote(etl.variables["retry_max_attempts"]["default"]))
    row = timers_row("load transient retries")
    assert f"`retry_interval_seconds` {first} s, doubling, {attempts} times" in row
    template = LOAD_ASL_PATH.read_text()
    assert '"IntervalSeconds": ${retry_interval_seconds}' in template
    assert '"MaxAttempts": ${retry_max_attempts}' in template
    delivery = etl.calls["object_created"]["delivery"]
    age, tries = int(delivery["max_age_seconds"]), int(delivery["max_attempts"])
    assert f"retries for {age // 3600} h, {tries} attempts" in timers_row("landed-event delivery")


def test_the_reconciler_sweeps_as_the_readme_says_and_its_bounds_hold() -> None:
    row = timers_row("reconciler sweep")
    assert f"`SWEEP_SECONDS` in `lambdas/settings.py` ({SWEEP_SECONDS} s)" in row
    reconciler = load_module(MODULES / "reconciler")
    minutes = int(unquote(reconciler.variables["sweep_minutes"]["default"]))
    assert f"`sweep_minutes` ({minutes})" in row and minutes * 60 == SWEEP_SECONDS
    assert unquote(reconciler.calls["sweep"]["schedule_expression"]) == "rate(${var.sweep_minutes} minutes)"
    assert SWEEP_SECONDS * 100 < RETENTION_DAYS * 86_400


def test_a_lost_start_is_made_good_within_six_minutes() -> None:
    row = timers_row("unstarted request")
    assert f"`PENDING_SECONDS` in `lambdas/settings.py` ({PENDING_SECONDS} s)" in row
    assert ReconcilerSettings.model_fields["pending_seconds"].default == PENDING_SECONDS
    assert PENDING_SECONDS + SWEEP_SECONDS <= 6 * 60 and "within 6 min" in row


def test_a_stuck_render_is_asked_after_the_job_budget_in_terraform_and_the_sandbox() -> None:
    row = timers_row("stuck render")
    assert "`STUCK_SECONDS` of the reconciler = Terraform `job_timeout_seconds` (6 h)" in row
    assert default("platform", "job_timeout_seconds") == 6 * 3600
    environment = load_module(MODULES / "reconciler").locals["environment"]
    assert unquote(environment["STUCK_SECONDS"]) == "${tostring(var.job_timeout_seconds)}"
    platform = load_module(TERRAFORM / "platform").calls["reconciler"]
    assert unquote(platform["job_timeout_seconds"]) == "${var.job_timeout_seconds}"
    options = PlatformOptions()
    sandbox = sandbox_platform(options)
    assert sandbox.reconciler_settings().stuck_seconds == options.job_timeout_seconds
    assert sandbox.lambda_env()["STUCK_SECONDS"] == str(options.job_timeout_seconds)


def test_status_changes_are_retried_an_hour_then_kept_two_weeks() -> None:
    row = timers_row("status-change delivery")
    delivery = load_module(MODULES / "reconciler").calls["execution_status"]["delivery"]
    assert int(delivery["max_age_seconds"]) == 3600 and "1 h" in row
    assert int(delivery["max_attempts"]) == 8 and "8 attempts" in row
    (retention,) = re.findall(
        r"message_retention_seconds\s*=\s*(\d+)", code(MODULES / "event_dlq" / "main.tf")
    )
    assert int(retention) == 14 * 86_400 and "kept 14 days" in row


def test_the_sandbox_announces_ended_executions_well_inside_a_sweep() -> None:
    row = timers_row("sandbox execution events")
    assert f"`POLL_SECONDS` in `sandbox/execution_events.py` ({POLL_SECONDS:.0f} s; sandbox only)" in row
    assert POLL_SECONDS * 60 <= SWEEP_SECONDS


def test_a_reconciler_run_ends_before_the_next_sweep() -> None:
    row = timers_row("reconciler run")
    function = load_module(MODULES / "reconciler").calls["function"]
    timeout = int(unquote(function["timeout"]))
    assert (
        f"`timeout` ({timeout} s)" in row
        and f"reserved concurrency {unquote(function['reserved_concurrency'])}" in row
    )
    assert timeout <= SWEEP_SECONDS


def test_snapshot_objects_outlive_their_items_and_dead_uploads_end_within_a_day() -> None:
    storage = load_module(MODULES / "storage").variables
    days = int(unquote(storage["snapshot_days"]["default"]))
    noncurrent = int(unquote(storage["noncurrent_days"]["default"]))
    row = timers_row("snapshot objects kept")
    assert f"`snapshot_days` ({days} days)" in row and f"`noncurrent_days` ({noncurrent} days)" in row
    assert days >= RETENTION_DAYS, "a READY item would name an expired object"
    bucket = load_module(MODULES / "private_bucket").resources[
        ("aws_s3_bucket_lifecycle_configuration", "this")
    ]
    rules = bucket["rule"] if isinstance(bucket["rule"], list) else [bucket["rule"]]
    (abort,) = [
        r["abort_incomplete_multipart_upload"][0]["days_after_initiation"]
        for r in rules
        if "abort_incomplete_multipart_upload" in r
    ]
    assert f"({abort} day)" in timers_row("incomplete uploads")
    budget = int(unquote(load_module(MODULES / "orchestration").variables["job_timeout_seconds"]["default"]))
    assert abort * 86_400 > budget
    logs = unquote(storage["access_log_days"]["default"])
    assert f"`access_log_days` ({logs} days)" in timers_row("access logs kept")


def test_the_scalers_clocks_are_the_policys_and_the_simulator_replays_it() -> None:
    policy = Policy()
    for clock, value in (
        ("scale-in delay", policy.scale_in_delay_s),
        ("scale-in cooldown", policy.scale_in_cooldown_s),
        ("idle to zero", policy.idle_to_zero_s),
    ):
        assert f"({value:.0f} s)" in timers_row(clock)
    assert policy.idle_to_zero_s >= policy.scale_in_delay_s
    simulator = (ROOT / "simulator" / "__main__.py").read_text()
    assert "Policy(max_size=" in simulator and "scale_in" not in simulator, "the simulator uses the defaults"


# Every EventBridge rule that invokes a function (the function_rule module) and its timers row.
RULE_ROWS = {
    ("api", "requests"): "request-event delivery",
    ("etl", "object_created"): "landed-event delivery",
    ("reconciler", "execution_status"): "status-change delivery",
    ("reconciler", "sweep"): "reconciler sweep",
    ("workers", "scaler_schedule"): "scaler tick",
}


def function_rules() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (module.path.name, call_name): call
        for module in map(load_module, sorted(MODULES.iterdir()))
        for call_name, call in module.calls.items()
        if unquote(call["source"]) == "../function_rule"
    }


def test_every_event_rule_delivery_is_in_the_timers_table() -> None:
    """A new rule fails here until its delivery clock has a row: a schedule's tick is given up
    after a minute with no retry; an event is retried for hours and then kept in a dead-letter
    queue, since a lost event is lost work."""
    rules = function_rules()
    assert set(rules) == set(RULE_ROWS), "a new function_rule call needs a timers row (RULE_ROWS)"
    for key, call in rules.items():
        row = timers_row(RULE_ROWS[key])
        age, tries = int(call["delivery"]["max_age_seconds"]), int(call["delivery"]["max_attempts"])
        if "schedule_expression" in call:
            assert (age, tries) == (60, 0) and "given up after 60 s with no retry" in row, key
            assert "dead_letter_arn" not in call, key
        else:
            assert f"retries for {age // 3600} h, {tries} attempts" in row, key
            assert "dead_letter_arn" in call and "-dlq`" in row, key


def test_the_scaler_ticks_within_its_own_delays() -> None:
    call = function_rules()[("workers", "scaler_schedule")]
    assert unquote(call["schedule_expression"]) == "rate(1 minute)"
    assert FleetModel().scaler_period_s == 60, "make simulate replays the fleet's tick"
    policy = Policy()
    assert min(policy.scale_in_delay_s, policy.scale_in_cooldown_s) > 60
    assert "`rate(1 minute)`" in timers_row("scaler tick")
