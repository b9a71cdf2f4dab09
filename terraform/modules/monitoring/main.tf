
resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]
  # Each EventBridge target's dead-letter alarm: its name (kept from before these came as a map: a
  # rename would replace the alarm) and what a failed delivery means (the alarm's description).
  delivery_alarms = {
    trigger = {
      name    = "dead-trigger-events"
      meaning = "EventBridge could not deliver Snapshot Requested / Data Landed events to the trigger."
    }
    landed = {
      name    = "dead-landed-events"
      meaning = "EventBridge could not deliver landed files' Object Created events to the landed function: those files start no load until redriven (or backfilled)."
    }
    reconciler = {
      name    = "dead-status-changes"
      meaning = "EventBridge could not deliver Step Functions' status changes to the reconciler: its sweep still repairs their items, within its interval plus the job budget."
    }
  }
  queue_alarms = merge(
    {
      for target, queue in var.watched.delivery_dlqs : try(local.delivery_alarms[target].name, "dead-${target}-events") => {
        queue       = queue
        metric      = "ApproximateNumberOfMessagesVisible"
        threshold   = 0
        description = try(local.delivery_alarms[target].meaning, "EventBridge could not deliver events to ${target}.")
      }
    },
    {
      dead-jobs = {
        queue       = var.watched.jobs_dlq
        metric      = "ApproximateNumberOfMessagesVisible"
        threshold   = 0
        description = "Jobs reached the DLQ: a message no agent could read, or agents dying mid-job. Inspect, fix, redrive."
      }
      old-jobs = {
        queue       = var.watched.jobs_queue
        metric      = "ApproximateAgeOfOldestMessage"
        threshold   = var.oldest_job_alarm_seconds
        description = "Jobs wait too long: the fleet is at its maximum, cannot start, or is not scaling."
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "queue" {
  for_each            = local.queue_alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/SQS"
  metric_name         = each.value.metric
  dimensions          = { QueueName = each.value.queue }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

locals {
  failed_executions = {
    "failed-executions" = {
      arn         = var.watched.state_machine_arn
      description = "Snapshot executions failed (Render.Invalid is a caller's error; anything else needs a look)."
    }
    "failed-loads" = {
      arn         = var.watched.load_state_machine_arn
      description = "Loads failed (Load.Invalid: a bad file, its cause and rejects in the loads ledger; anything else needs a look)."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failed_executions" {
  for_each            = local.failed_executions
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = each.value.arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# One resource for both machines' failure alarms; the snapshot machine's alarm keeps its state.
moved {
  from = aws_cloudwatch_metric_alarm.failed_executions
  to   = aws_cloudwatch_metric_alarm.failed_executions["failed-executions"]
}

moved {
  from = aws_cloudwatch_metric_alarm.failed_loads
  to   = aws_cloudwatch_metric_alarm.failed_executions["failed-loads"]
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each            = var.watched.functions
  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "The ${each.key} Lambda raised errors (5xx to callers)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "agent_errors" {
  alarm_name          = "${var.name}-agent-errors"
  alarm_description   = "Agents report many transient render failures (a data source or AWS dependency failing)."
  namespace           = var.watched.agent_metrics_namespace
  metric_name         = "snapshot_agent_jobs_total"
  dimensions          = { AutoScalingGroupName = var.watched.autoscaling_group_name, outcome = "transient" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.agent_error_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_dashboard" "platform" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title = "Jobs queue", region = var.region, stat = "Maximum", period = 60
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.watched.jobs_queue],
            [".", "ApproximateNumberOfMessagesNotVisible", ".", "."],
            [".", "ApproximateNumberOfMessagesVisible", ".", var.watched.jobs_dlq],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title = "Executions", region = var.region, stat = "Sum", period = 300
          metrics = [
            ["AWS/States", "ExecutionsStarted", "StateMachineArn", var.watched.state_machine_arn],
            [".", "ExecutionsSucceeded", ".", "."],
            [".", "ExecutionsFailed", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title = "Fleet", region = var.region, stat = "Average", period = 60
          metrics = [
            ["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", var.watched.autoscaling_group_name],
            [var.watched.agent_metrics_namespace, "snapshot_agent_busy_ratio", "AutoScalingGroupName", var.watched.autoscaling_group_name],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title   = "API and Lambdas", region = var.region, stat = "Sum", period = 300
          metrics = [for role, fn in var.watched.functions : ["AWS/Lambda", "Invocations", "FunctionName", fn]]
        }
      },
    ]
  })
}
