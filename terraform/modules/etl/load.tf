# The load state machine (stepfunctions/load.asl.json) and what starts it.
resource "aws_sfn_state_machine" "load" {
  name     = "${var.name}-load"
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn
  definition = templatefile(var.asl_path, {
    ledger_table             = aws_dynamodb_table.ledger.name
    queue_url                = var.queue.url
    event_bus_name           = var.event_bus.name
    loads_event_source       = local.loads_event_source
    load_job_timeout_seconds = var.load_job_timeout_seconds
    retry_interval_seconds   = var.retry_interval_seconds
    retry_max_attempts       = var.retry_max_attempts
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
      condition     = var.load_job_timeout_seconds >= var.load_timeout_seconds + var.capacity_wait_seconds
      error_message = "load_job_timeout_seconds must cover load_timeout_seconds + capacity_wait_seconds: a load that waits for capacity must never fail for it."
    }
  }
}

resource "aws_cloudwatch_log_group" "state_machine" {
  name              = "/aws/vendedlogs/states/${var.name}-load"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name}-load-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

data "aws_iam_policy_document" "states_assume" {
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
  name   = "load-flow"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

# Exactly the ASL's integrations: Register/MarkLoaded/MarkFailed, Load, AnnounceLanded/AnnounceFailed.
data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "Ledger"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.ledger.arn]
  }

  statement {
    sid       = "Jobs"
    actions   = ["sqs:SendMessage"]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "Encrypted"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Announce"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus.arn]
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

# S3's "Object Created" for dataset files (not the platform's own _rejects/ and _firehose-errors/)
# to the landed function, which names the execution after the file's load id.
resource "aws_cloudwatch_event_rule" "object_created" {
  name        = "${var.name}-object-created"
  description = "Files landing in the landing bucket to the landed function"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [aws_s3_bucket.landing.id] }
      object = { key = [{ "anything-but" = { prefix = "_" } }] }
    }
  })
}

resource "aws_cloudwatch_event_target" "object_created" {
  rule = aws_cloudwatch_event_rule.object_created.name
  arn  = module.landed.arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 8
  }

  dead_letter_config {
    arn = aws_sqs_queue.landed_dlq.arn
  }
}

resource "aws_lambda_permission" "object_created" {
  statement_id  = "eventbridge"
  action        = "lambda:InvokeFunction"
  function_name = module.landed.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.object_created.arn
}

module "landed" {
  source               = "../function"
  name                 = "${var.name}-landed"
  handler              = "lambdas.landed.handler"
  timeout              = 15
  package              = var.lambda_code.package
  layer_arns           = [var.lambda_code.powertools_layer_arn]
  environment          = local.landed_environment
  reserved_concurrency = var.reserved_concurrency
  kms_key_arn          = var.kms_key_arn
  policy_json          = data.aws_iam_policy_document.landed.json
  dead_letter_arn      = aws_sqs_queue.landed_dlq.arn
  network              = var.network
  log_retention_days   = var.log_retention_days
}

locals {
  landed_environment = {
    LOAD_STATE_MACHINE_ARN  = aws_sfn_state_machine.load.arn
    POWERTOOLS_SERVICE_NAME = "snapshot-engine"
    POWERTOOLS_LOG_LEVEL    = "INFO"
  }
}

# What lambdas/landed.py calls: start a load, and look at the execution a duplicate event names.
data "aws_iam_policy_document" "landed" {
  statement {
    sid       = "StartLoads"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.load.arn]
  }

  statement {
    sid       = "ReadLoads"
    actions   = ["states:DescribeExecution"]
    resources = ["${replace(aws_sfn_state_machine.load.arn, ":stateMachine:", ":execution:")}:*"]
  }
}

# Failed asynchronous invocations (EventBridge deliveries of landed files) land here.
resource "aws_sqs_queue" "landed_dlq" {
  name                              = "${var.name}-landed-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
}

resource "aws_sqs_queue_policy" "landed_dlq" {
  queue_url = aws_sqs_queue.landed_dlq.id
  policy    = data.aws_iam_policy_document.landed_dlq.json
}

data "aws_iam_policy_document" "landed_dlq" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.landed_dlq.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.object_created.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.landed_dlq.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
