data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  for_each           = local.functions
  name               = "${var.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.functions
  name     = "snapshot-${each.key}"
  role     = aws_iam_role.lambda[each.key].id
  policy   = each.key == "trigger" ? data.aws_iam_policy_document.trigger.json : data.aws_iam_policy_document.status.json
}

# What lambdas/ calls, and nothing else: the trigger reads the catalog, runs the decision table's
# conditional writes and starts executions.
data "aws_iam_policy_document" "trigger" {
  source_policy_documents = [data.aws_iam_policy_document.common["trigger"].json]

  statement {
    sid       = "Metadata"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [var.table_arn]
  }

  statement {
    sid       = "Executions"
    actions   = ["states:StartExecution"]
    resources = [var.state_machine_arn]
  }

  statement {
    sid       = "Catalog"
    actions   = ["s3:GetObject"]
    resources = [var.catalog_object_arn]
  }
}

# Status reads items, lists the by-report index and presigns GETs of snapshots.
data "aws_iam_policy_document" "status" {
  source_policy_documents = [data.aws_iam_policy_document.common["status"].json]

  statement {
    sid       = "Metadata"
    actions   = ["dynamodb:GetItem", "dynamodb:Query"]
    resources = [var.table_arn, "${var.table_arn}/index/by-report"]
  }

  statement {
    sid       = "Downloads"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/snapshots/*"]
  }
}

# What running as a Lambda takes: the encrypted table, bucket and queue, its log group, its
# dead-letter queue, and (no resource narrower than "*") VPC network interfaces and X-Ray.
data "aws_iam_policy_document" "common" {
  # checkov:skip=CKV_AWS_111: ec2 network-interface and X-Ray actions support no resource narrower than "*" (AWS service authorization reference)
  # checkov:skip=CKV_AWS_356: same statement: ENI management for a VPC Lambda and X-Ray segments take only "*"
  for_each = local.functions

  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda[each.key].arn}:*"]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.trigger_dlq.arn]
  }

  statement {
    sid = "VpcAndTracing"
    actions = [
      "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
      "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    ]
    resources = ["*"]
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
    resources = [var.event_bus_arn]
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}
