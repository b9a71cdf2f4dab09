"""SQS in the sandbox: a queue's ARN, and a rule that delivers into a queue of its own (moto's
EventBridge delivers to SQS, not to functions or state machines)."""

from __future__ import annotations

import json
from typing import Any


def queue_arn(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def rule_to_queue(sqs: Any, events: Any, rule: str, bus: str, pattern: dict[str, Any]) -> str:
    """The rule, on ``bus``, and the queue named after it that it delivers into: the queue's URL."""
    url: str = sqs.create_queue(QueueName=rule)["QueueUrl"]
    events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn(sqs, url)}])
    return url
