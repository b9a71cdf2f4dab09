# The load state machine (stepfunctions/load.asl.json) and what starts it.
module "machine" {
  source      = "../state_machine"
  name        = "${var.name}-load"
  role_name   = "${var.name}-load-state-machine"
  policy_name = "load-flow"
  definition = templatefile(var.asl_path, {
    ledger_table             = aws_dynamodb_table.ledger.name
    queue_url                = var.queue.url
    event_bus_name           = var.event_bus.name
    loads_event_source       = local.loads_event_source
    load_job_timeout_seconds = var.load_job_timeout_seconds
    retry_interval_seconds   = var.retry_interval_seconds
    retry_max_attempts       = var.retry_max_attempts
    queued_interval_seconds  = var.queued_interval_seconds
    queued_max_attempts      = var.queued_max_attempts
  })
  integrations_policy_json = data.aws_iam_policy_document.state_machine.json
  checks = [{
    condition     = var.load_job_timeout_seconds >= var.load_timeout_seconds + var.capacity_wait_seconds
    error_message = "load_job_timeout_seconds must cover load_timeout_seconds + capacity_wait_seconds: a load that waits for capacity must never fail for it."
  }]
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
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
}

# S3's "Object Created" for dataset files (not the platform's own _rejects/ and _firehose-errors/)
# to the landed function, which names the execution after the file's load id.
module "object_created" {
  source      = "../function_rule"
  name        = "${var.name}-object-created"
  description = "Files landing in the landing bucket to the landed function"
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [module.landing.bucket.name] }
      object = { key = [{ "anything-but" = { prefix = "_" } }] }
    }
  })
  function        = module.landed
  statement_id    = "eventbridge"
  delivery        = { max_age_seconds = 3600, max_attempts = 8 }
  dead_letter_arn = module.landed_dlq.arn
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
  dead_letter_arn      = module.landed_dlq.arn
  network              = var.network
  log_retention_days   = var.log_retention_days
}

locals {
  landed_environment = {
    LOAD_STATE_MACHINE_ARN  = module.machine.arn
    POWERTOOLS_SERVICE_NAME = "snapshot-engine"
    POWERTOOLS_LOG_LEVEL    = "INFO"
  }
}

# What lambdas/landed.py calls: start a load, and look at the execution a duplicate event names.
data "aws_iam_policy_document" "landed" {
  statement {
    sid       = "StartLoads"
    actions   = ["states:StartExecution"]
    resources = [module.machine.arn]
  }

  statement {
    sid       = "ReadLoads"
    actions   = ["states:DescribeExecution"]
    resources = ["${replace(module.machine.arn, ":stateMachine:", ":execution:")}:*"]
  }
}

# Failed asynchronous invocations (EventBridge deliveries of landed files) land here.
module "landed_dlq" {
  source      = "../event_dlq"
  name        = "${var.name}-landed-dlq"
  rule_arn    = module.object_created.rule_arn
  kms_key_arn = var.kms_key_arn
}

# Where these lived before the state_machine and event_dlq modules: an apply moves them.
moved {
  from = aws_sfn_state_machine.load
  to   = module.machine.aws_sfn_state_machine.this
}

moved {
  from = aws_cloudwatch_log_group.state_machine
  to   = module.machine.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.state_machine
  to   = module.machine.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.state_machine
  to   = module.machine.aws_iam_role_policy.this
}

moved {
  from = aws_sqs_queue.landed_dlq
  to   = module.landed_dlq.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.landed_dlq
  to   = module.landed_dlq.aws_sqs_queue_policy.this
}

# Where the rule lived before the function_rule module: an apply moves it.
moved {
  from = aws_cloudwatch_event_rule.object_created
  to   = module.object_created.aws_cloudwatch_event_rule.this
}

moved {
  from = aws_cloudwatch_event_target.object_created
  to   = module.object_created.aws_cloudwatch_event_target.this
}

moved {
  from = aws_lambda_permission.object_created
  to   = module.object_created.aws_lambda_permission.this
}
