# One Python Lambda of the platform, as every one of them runs: in the VPC with HTTPS out to the
# endpoints only, X-Ray, JSON logs in its own encrypted log group, a KMS-encrypted environment,
# reserved concurrency, and a role holding its code's permissions plus what running takes.
resource "aws_lambda_function" "this" {
  function_name                  = var.name
  role                           = aws_iam_role.this.arn
  runtime                        = "python3.11"
  architectures                  = ["x86_64"]
  handler                        = var.handler
  timeout                        = var.timeout
  memory_size                    = var.memory_size
  filename                       = var.package.path
  source_code_hash               = var.package.hash
  layers                         = var.layer_arns
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  vpc_config {
    subnet_ids         = var.network.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_arn == null ? [] : [var.dead_letter_arn]
    content {
      target_arn = dead_letter_config.value
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  # checkov:skip=CKV_AWS_272: the zip is built from this repository by make lambdas; code signing needs a Signer profile this platform does not run
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_security_group" "this" {
  name        = var.name
  description = "Lambda ${var.name}: HTTPS out to the VPC endpoints only"
  vpc_id      = var.network.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the interface endpoints"
  cidr_ipv4         = var.network.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "gateways" {
  for_each          = var.network.gateway_prefix_lists
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the ${each.key} gateway endpoint"
  prefix_list_id    = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = var.name
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.policy.json
}

data "aws_iam_policy_document" "policy" {
  source_policy_documents = [var.policy_json, data.aws_iam_policy_document.runtime.json]
}

# What running takes: the encrypted stores and environment, its log group, its dead-letter queue,
# and (no resource narrower than "*") VPC network interfaces and X-Ray.
data "aws_iam_policy_document" "runtime" {
  # checkov:skip=CKV_AWS_111: ec2 network-interface and X-Ray actions support no resource narrower than "*" (AWS service authorization reference)
  # checkov:skip=CKV_AWS_356: same statement: ENI management for a VPC Lambda and X-Ray segments take only "*"
  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.dead_letter_arn == null ? [] : [var.dead_letter_arn]
    content {
      sid       = "DeadLetters"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
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
