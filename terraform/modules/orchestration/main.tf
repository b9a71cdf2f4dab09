locals {
  event_source = "snapshot-engine"
}

resource "aws_cloudwatch_event_bus" "this" {
  name = "${var.name}-events"
}

# A request event runs as its source (system:<source>), and the schedules' source sees every row
# of a governed table: so each request source may be put on the bus by its own producer's role
# only. Any other principal of the account putting an event with that source is denied.
resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = data.aws_iam_policy_document.bus.json
}

data "aws_iam_policy_document" "bus" {
  dynamic "statement" {
    for_each = { for producer in var.producers : producer.source => producer.role_arn }
    content {
      sid       = "Only${join("", [for part in split(".", statement.key) : title(part)])}Producer"
      effect    = "Deny"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "StringEquals"
        variable = "events:source"
        values   = [statement.key]
      }
      condition {
        test     = "ArnNotEquals"
        variable = "aws:PrincipalArn"
        values   = [statement.value]
      }
    }
  }
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
