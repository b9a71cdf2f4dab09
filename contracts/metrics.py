"""CloudWatch namespaces, one home each. The agents' ``/metrics`` are published into
``AGENT_NAMESPACE`` by the CloudWatch agent the AMI bakes (packer/), and read there by the scaler
and the alarms (terraform/platform's ``local.agent_metrics_namespace``); the Lambdas' own metrics go
into ``PLATFORM_NAMESPACE``. tests/terraform/test_contracts.py holds the non-Python copies to these."""

AGENT_NAMESPACE = "SnapshotEngine/Agent"
PLATFORM_NAMESPACE = "SnapshotEngine"
