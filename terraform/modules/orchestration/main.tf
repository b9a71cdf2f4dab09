locals {
  event_source = "snapshot-engine"
}

resource "aws_cloudwatch_event_bus" "this" {
  name = "${var.name}-events"
}

resource "aws_sfn_state_machine" "snapshot" {
  name     = "${var.name}-snapshot"
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn
  definition = templatefile(var.asl_path, {
    table_name             = var.table.name
    queue_url              = var.queue.url
    event_bus_name         = aws_cloudwatch_event_bus.this.name
    event_source           = local.event_source
    job_timeout_seconds    = var.job_timeout_seconds
    retry_interval_seconds = var.retry_interval_seconds
    retry_max_attempts     = var.retry_max_attempts
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  lifecycle {
    precondition {
      condition     = var.job_timeout_seconds >= var.render_timeout_seconds + var.capacity_wait_seconds
      error_message = "job_timeout_seconds must cover render_timeout_seconds + capacity_wait_seconds: a job that waits for capacity must never fail for it."
    }
  }
}

resource "aws_cloudwatch_log_group" "state_machine" {
  name              = "/aws/vendedlogs/states/${var.name}-snapshot"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name}-state-machine"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "snapshot-flow"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

# Exactly the ASL's integrations: MarkQueued/MarkReady/MarkFailed, Render, NotifyReady/NotifyFailed.
data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "Metadata"
    actions   = ["dynamodb:UpdateItem"]
    resources = [var.table.arn]
  }

  statement {
    sid       = "Jobs"
    actions   = ["sqs:SendMessage"]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "EncryptedJobs"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Notify"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.this.arn]
  }

  # Log delivery and X-Ray accept no resource narrower than "*" (AWS documents it so for both).
  statement {
    sid = "ExecutionLogs"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}
