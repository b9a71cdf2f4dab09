# Both functions answer for a caller: they read the catalog and the caller's entitlements.
data "aws_iam_policy_document" "caller_context" {
  statement {
    sid       = "Catalog"
    actions   = ["s3:GetObject"]
    resources = [var.catalog.object_arn]
  }

  statement {
    sid       = "Entitlements"
    actions   = ["dynamodb:BatchGetItem"]
    resources = [var.entitlements_table.arn]
  }
}

# What lambdas/ calls, and nothing else: the trigger reads the catalog and the caller's
# entitlements, runs the decision table's conditional writes, starts executions and asks
# whether the one a pending item names still runs.
data "aws_iam_policy_document" "trigger" {
  source_policy_documents = [data.aws_iam_policy_document.caller_context.json]

  statement {
    sid       = "Metadata"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [var.table.arn]
  }

  statement {
    sid       = "Executions"
    actions   = ["states:StartExecution"]
    resources = [var.state_machine_arn]
  }

  # A pending item's execution is asked whether it still runs before a request joins it.
  statement {
    sid       = "ReadExecutions"
    actions   = ["states:DescribeExecution"]
    resources = ["${replace(var.state_machine_arn, ":stateMachine:", ":execution:")}:*"]
  }
}

# Status reads items, lists the by-report index, presigns GETs of snapshots, and shows each
# caller only what the catalog and their entitlements allow.
data "aws_iam_policy_document" "status" {
  source_policy_documents = [data.aws_iam_policy_document.caller_context.json]

  statement {
    sid       = "Metadata"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [var.table.arn, "${var.table.arn}/index/by-report"]
  }

  statement {
    sid       = "Downloads"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket.arn}/snapshots/*"]
  }

  # Listings' next_token is sealed with the platform key, for that purpose only (lambdas/page_tokens.py).
  statement {
    sid       = "PageTokens"
    actions   = ["kms:Encrypt", "kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:purpose"
      values   = ["snapshot-engine/next_token"]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "put-snapshot-requests"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    actions   = ["events:PutEvents"]
    resources = [var.event_bus.arn]
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}
