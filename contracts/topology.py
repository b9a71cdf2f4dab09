"""The platform's shared names: what Terraform's modules declare and the sandbox, the Lambdas and
the agent use. tests/terraform/test_topology_contract.py reads the modules and holds them to
this file, so a name changes in one place and the test says where else."""

from __future__ import annotations

EVENT_SOURCE = "snapshot-engine"
CATALOG_KEY = "catalog/reports.toml"
DATASETS_KEY = "catalog/datasets.toml"
# The load state machine's events ("Data Landed", "Load Failed") come from the data platform's
# own principal, which the report catalog names among the callers of the reports it refreshes.
LOADS_EVENT_SOURCE = "datalake.ingest"
LOAD_FAILED = "Load Failed"

# Where a Firehose stream writes the records it could not deliver (no dataset lands there).
FIREHOSE_ERRORS_PREFIX = "_firehose-errors/"

# The loads ledger: one item per load (id from bucket, key and ETag), and per dataset in the
# order its files landed (a load waits while an earlier one of its dataset is still loading).
LOADS_KEY = "load_id"
LOADS_BY_DATASET_INDEX = "by-dataset"
LOADS_BY_DATASET_HASH_KEY = "dataset"
LOADS_BY_DATASET_RANGE_KEY = "landed_at"
LOADS_BY_DATASET_ATTRIBUTES = ("status", "key", "execution_arn")

# The snapshots table: one item per key, newest-first listing per report, TTL on retention.
SNAPSHOTS_KEY = "key"
BY_REPORT_INDEX = "by-report"
BY_REPORT_HASH_KEY = "report"
BY_REPORT_RANGE_KEY = "requested_at"
TTL_ATTRIBUTE = "expires_at"
# Items in progress, for the reconciler's sweep: a sparse index of the items that carry
# ``in_progress`` (PENDING, QUEUED, RENDERING; removed at READY or FAILED), sharded by the key's
# first hex digit so no index partition takes every status change.
IN_PROGRESS_INDEX = "in-progress"
IN_PROGRESS_HASH_KEY = "in_progress"
IN_PROGRESS_RANGE_KEY = "requested_at"
IN_PROGRESS_SHARDS = "0123456789abcdef"
IN_PROGRESS_ATTRIBUTES = ("status", "generation", "attempt", "snapshot_id")

# The lease table: one item per fleet-wide semaphore.
LEASE_KEY = "name"

# The entitlements table: one item per subject (a principal ARN, group:<name>, system:<source>),
# its params attribute a map of param -> the values that subject may see.
ENTITLEMENTS_KEY = "subject"
ENTITLEMENTS_PARAMS = "params"

# The job queue's own settings. The agent passes its own visibility and wait on every receive;
# these matter to any other reader.
VISIBILITY_MARGIN_SECONDS = 60  # the queue's default visibility is Render's timeout plus this
RECEIVE_WAIT_SECONDS = 20
JOBS_RETENTION_SECONDS = 345_600
DLQ_RETENTION_SECONDS = 1_209_600
MAX_MESSAGE_BYTES = 262_144  # a job is a few hundred bytes; the task output's own limit is 256 KB

# The detail types on the bus that become snapshot requests, and the only sources they may come
# from: the schedules (EventBridge Scheduler's role) and the load state machine. The bus's policy
# lets no other principal put an event with these sources.
SNAPSHOT_REQUESTED = "Snapshot Requested"
DATA_LANDED = "Data Landed"
REQUEST_DETAIL_TYPES = (SNAPSHOT_REQUESTED, DATA_LANDED)
SCHEDULER_EVENT_SOURCE = f"{EVENT_SOURCE}.scheduler"
REQUEST_SOURCES = (SCHEDULER_EVENT_SOURCE, LOADS_EVENT_SOURCE)

# Step Functions' own events on the account's default bus: an execution of either state machine
# that ended without succeeding goes to the reconciler.
DEFAULT_BUS = "default"
STATES_EVENT_SOURCE = "aws.states"
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
ENDED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")


def execution_status_rule(name: str) -> str:
    return f"{name}-execution-status"


def execution_status_pattern(state_machine_arns: list[str]) -> dict[str, object]:
    return {
        "source": [STATES_EVENT_SOURCE],
        "detail-type": [EXECUTION_STATUS_CHANGE],
        "detail": {"status": list(ENDED_STATUSES), "stateMachineArn": state_machine_arns},
    }


def bucket_name(name: str, account: str) -> str:
    return f"{name}-snapshots-{account}"


def landing_bucket(name: str, account: str) -> str:
    return f"{name}-landing-{account}"


def loads_table(name: str) -> str:
    return f"{name}-loads"


def events_stream(name: str, dataset: str) -> str:
    """The Firehose delivery stream of an event dataset."""
    return f"{name}-{dataset}-events"


def load_state_machine(name: str) -> str:
    return f"{name}-load"


def snapshots_table(name: str) -> str:
    return f"{name}-snapshots"


def lease_table(name: str) -> str:
    return f"{name}-leases"


def entitlements_table(name: str) -> str:
    return f"{name}-entitlements"


def jobs_queue(name: str) -> str:
    return f"{name}-jobs"


def dead_letter_queue(name: str) -> str:
    return f"{name}-jobs-dlq"


def event_bus(name: str) -> str:
    return f"{name}-events"


def state_machine(name: str) -> str:
    return f"{name}-snapshot"
