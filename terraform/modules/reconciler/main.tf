# The reconciler (lambdas/reconciler.py): every snapshot item and load converges, whatever ended
# its execution. Step Functions' own status changes (FAILED, TIMED_OUT, ABORTED of either state
# machine) reach it from the account's default bus; a sweep every few minutes catches the event
# that never came and starts the PENDING items nobody started.
locals {
  event_source = "snapshot-engine"
  environment = {
    TABLE_NAME              = var.table.name
    LOADS_TABLE             = var.ledger_table.name
    STATE_MACHINE_ARN       = var.state_machine_arn
    LOAD_STATE_MACHINE_ARN  = var.load_state_machine_arn
    EVENT_BUS_NAME          = var.event_bus.name
    STUCK_SECONDS           = tostring(var.job_timeout_seconds)
    POWERTOOLS_SERVICE_NAME = "snapshot-reconciler"
    POWERTOOLS_LOG_LEVEL    = "INFO"
  }
  executions = [
    for arn in [var.state_machine_arn, var.load_state_machine_arn] :
    "${replace(arn, ":stateMachine:", ":execution:")}:*"
  ]
}

module "function" {
  source      = "../function"
  name        = "${var.name}-reconciler"
  handler     = "lambdas.reconciler.handler"
  timeout     = 300
  memory_size = 256
  package     = var.lambda_code.package
  layer_arns  = [var.lambda_code.powertools_layer_arn]
  environment = local.environment
  # Two sweeps at once would only repeat each other's conditional writes; events queue behind.
  reserved_concurrency = 2
  kms_key_arn          = var.kms_key_arn
  policy_json          = data.aws_iam_policy_document.reconciler.json
  dead_letter_arn      = module.dlq.arn
  network              = var.network
  log_retention_days   = var.log_retention_days
}

# Failed deliveries of status changes (and failed asynchronous invocations) land here.
module "dlq" {
  source      = "../event_dlq"
  name        = "${var.name}-reconciler-dlq"
  rule_arn    = module.execution_status.rule_arn
  kms_key_arn = var.kms_key_arn
}

# Step Functions sends its status changes to the default bus only.
module "execution_status" {
  source      = "../function_rule"
  name        = "${var.name}-execution-status"
  description = "Executions of the platform's state machines that ended without succeeding, to the reconciler"
  event_pattern = jsonencode({
    "source"      = ["aws.states"]
    "detail-type" = ["Step Functions Execution Status Change"]
    "detail" = {
      "status"          = ["FAILED", "TIMED_OUT", "ABORTED"]
      "stateMachineArn" = [var.state_machine_arn, var.load_state_machine_arn]
    }
  })
  function        = module.function
  statement_id    = "execution-status"
  delivery        = { max_age_seconds = 3600, max_attempts = 8 }
  dead_letter_arn = module.dlq.arn
}

# The sweep: a missed sweep is made good by the next one, so no retry and no dead letter.
module "sweep" {
  source              = "../function_rule"
  name                = "${var.name}-reconciler-sweep"
  description         = "Sweep the snapshots in progress past their bounds"
  schedule_expression = "rate(${var.sweep_minutes} minutes)"
  input               = jsonencode({ sweep = true })
  function            = module.function
  statement_id        = "sweep"
  delivery            = { max_age_seconds = 60, max_attempts = 0 }
}

# Where the rules lived before the function_rule module: an apply moves them.
moved {
  from = aws_cloudwatch_event_rule.execution_status
  to   = module.execution_status.aws_cloudwatch_event_rule.this
}

moved {
  from = aws_cloudwatch_event_target.execution_status
  to   = module.execution_status.aws_cloudwatch_event_target.this
}

moved {
  from = aws_lambda_permission.execution_status
  to   = module.execution_status.aws_lambda_permission.this
}

moved {
  from = aws_cloudwatch_event_rule.sweep
  to   = module.sweep.aws_cloudwatch_event_rule.this
}

moved {
  from = aws_cloudwatch_event_target.sweep
  to   = module.sweep.aws_cloudwatch_event_target.this
}

moved {
  from = aws_lambda_permission.sweep
  to   = module.sweep.aws_lambda_permission.this
}

# What lambdas/reconciler.py calls (the function module adds what running takes).
data "aws_iam_policy_document" "reconciler" {
  statement {
    sid       = "Snapshots"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [var.table.arn, "${var.table.arn}/index/in-progress"]
  }

  statement {
    sid       = "Loads"
    actions   = ["dynamodb:UpdateItem"]
    resources = [var.ledger_table.arn]
  }

  statement {
    sid       = "StartPending"
    actions   = ["states:StartExecution"]
    resources = [var.state_machine_arn]
  }

  statement {
    sid       = "ReadExecutions"
    actions   = ["states:DescribeExecution"]
    resources = local.executions
  }

  statement {
    sid       = "Announce"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus.arn]
    condition {
      test     = "StringEquals"
      variable = "events:source"
      values   = [local.event_source]
    }
  }
}
