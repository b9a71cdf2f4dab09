"""Everything of the kinds the platform's Terraform creates that exists in moto, as a set of
``service:kind:name`` strings: taken before an apply and after its destroy, the two must be equal.
Every listing is read through all its pages: a test session holds hundreds of queues and tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

import boto3


def _names(items: Iterable[dict[str, Any]], key: str) -> list[str]:
    return [str(item[key]) for item in items]


def _all(client: Any, operation: str, key: str, **arguments: Any) -> list[Any]:
    """Every item of a listing, page by page where the operation pages."""
    if not client.can_paginate(operation):
        return list(getattr(client, operation)(**arguments).get(key, []))
    pages = client.get_paginator(operation).paginate(**arguments)
    return [item for page in pages for item in page.get(key, [])]


def _events(client: Any) -> list[str]:
    found = []
    for bus in _all(client, "list_event_buses", "EventBuses"):
        found.append(f"bus:{bus['Name']}")
        rules = _all(client, "list_rules", "Rules", EventBusName=bus["Name"])
        found += [f"rule:{bus['Name']}/{rule['Name']}" for rule in rules]
    return found


def _kms(client: Any) -> list[str]:
    """Customer keys not scheduled for deletion. AWS managed keys (those behind alias/aws/*, made
    when a service first needs one) are left out: moto marks them CUSTOMER."""
    aliases = _all(client, "list_aliases", "Aliases")
    managed = {a.get("TargetKeyId") for a in aliases if a["AliasName"].startswith("alias/aws/")}
    described = [
        client.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in _all(client, "list_keys", "Keys")
    ]
    live = [
        f"{k['KeyId']} ({k.get('Description')})"
        for k in described
        if k["KeyId"] not in managed and k["KeyState"] != "PendingDeletion"
    ]
    own_aliases = [a["AliasName"] for a in aliases if not a["AliasName"].startswith("alias/aws/")]
    return [f"key:{k}" for k in live] + [f"alias:{a}" for a in own_aliases]


def _ec2(client: Any) -> list[str]:
    endpoints = _all(client, "describe_vpc_endpoints", "VpcEndpoints")
    return (
        [f"vpc:{v}" for v in _names(_all(client, "describe_vpcs", "Vpcs"), "VpcId")]
        + [f"subnet:{s}" for s in _names(_all(client, "describe_subnets", "Subnets"), "SubnetId")]
        + [f"sg:{g}" for g in _names(_all(client, "describe_security_groups", "SecurityGroups"), "GroupId")]
        + [
            f"route-table:{r}"
            for r in _names(_all(client, "describe_route_tables", "RouteTables"), "RouteTableId")
        ]
        + [f"endpoint:{e['VpcEndpointId']}" for e in endpoints if e["State"].lower() != "deleted"]
        + [
            f"template:{t}"
            for t in _names(
                _all(client, "describe_launch_templates", "LaunchTemplates"), "LaunchTemplateName"
            )
        ]
        + [f"flow-log:{f}" for f in _names(_all(client, "describe_flow_logs", "FlowLogs"), "FlowLogId")]
    )


def _iam(client: Any) -> list[str]:
    return (
        [f"role:{r}" for r in _names(_all(client, "list_roles", "Roles"), "RoleName")]
        + [
            f"policy:{p}"
            for p in _names(_all(client, "list_policies", "Policies", Scope="Local"), "PolicyName")
        ]
        + [
            f"profile:{p}"
            for p in _names(_all(client, "list_instance_profiles", "InstanceProfiles"), "InstanceProfileName")
        ]
    )


def _scheduler(client: Any) -> list[str]:
    groups = _names(_all(client, "list_schedule_groups", "ScheduleGroups"), "Name")
    schedules = _names(_all(client, "list_schedules", "Schedules"), "Name")
    return [f"group:{g}" for g in groups] + [f"schedule:{s}" for s in schedules]


LISTERS: dict[str, Callable[[Any], list[str]]] = {
    "s3": lambda c: [f"bucket:{b}" for b in _names(_all(c, "list_buckets", "Buckets"), "Name")],
    "dynamodb": lambda c: [f"table:{t}" for t in _all(c, "list_tables", "TableNames")],
    "sqs": lambda c: [f"queue:{q}" for q in _all(c, "list_queues", "QueueUrls")],
    "stepfunctions": lambda c: [
        f"state-machine:{m}" for m in _names(_all(c, "list_state_machines", "stateMachines"), "name")
    ],
    "events": _events,
    "lambda": lambda c: [
        f"function:{f}" for f in _names(_all(c, "list_functions", "Functions"), "FunctionName")
    ],
    "iam": _iam,
    "kms": _kms,
    "logs": lambda c: [
        f"group:{g}" for g in _names(_all(c, "describe_log_groups", "logGroups"), "logGroupName")
    ],
    "ec2": _ec2,
    "autoscaling": lambda c: [
        f"group:{g}"
        for g in _names(_all(c, "describe_auto_scaling_groups", "AutoScalingGroups"), "AutoScalingGroupName")
    ],
    "apigatewayv2": lambda c: [f"api:{a}" for a in _names(_all(c, "get_apis", "Items"), "ApiId")],
    "scheduler": _scheduler,
    "sns": lambda c: [f"topic:{t}" for t in _names(_all(c, "list_topics", "Topics"), "TopicArn")],
    "cloudwatch": lambda c: (
        [f"alarm:{a}" for a in _names(_all(c, "describe_alarms", "MetricAlarms"), "AlarmName")]
        + [f"dashboard:{d}" for d in _names(_all(c, "list_dashboards", "DashboardEntries"), "DashboardName")]
    ),
}


def moto_inventory() -> set[str]:
    client = cast(Callable[[str], Any], boto3.client)
    return {f"{service}:{item}" for service, lister in LISTERS.items() for item in lister(client(service))}
