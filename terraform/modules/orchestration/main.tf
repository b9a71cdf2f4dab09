locals {
  event_source = "snapshot-engine"
}

resource "aws_cloudwatch_event_bus" "this" {
  name = "${var.name}-events"
}

module "machine" {
  source      = "../state_machine"
  name        = "${var.name}-snapshot"
  role_name   = "${var.name}-state-machine"
  policy_name = "snapshot-flow"
  definition = templatefile(var.asl_path, {
    table_name             = var.table.name
    queue_url              = var.queue.url
    event_bus_name         = aws_cloudwatch_event_bus.this.name
    event_source           = local.event_source
    job_timeout_seconds    = var.job_timeout_seconds
    retry_interval_seconds = var.retry_interval_seconds
    retry_max_attempts     = var.retry_max_attempts
  })
  integrations_policy_json = data.aws_iam_policy_document.state_machine.json
  checks = [{
    condition     = var.job_timeout_seconds >= var.render_timeout_seconds + var.capacity_wait_seconds
    error_message = "job_timeout_seconds must cover render_timeout_seconds + capacity_wait_seconds: a job that waits for capacity must never fail for it."
  }]
  kms_key_arn        = var.kms_key_arn
  log_retention_days = var.log_retention_days
}

# Where these lived before the state_machine module: an apply moves them, replacing nothing.
moved {
  from = aws_sfn_state_machine.snapshot
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
}
