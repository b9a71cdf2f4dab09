# The scaler: every minute, scaling.policy.decide sets the group's desired capacity from the queue
# and the agents' metrics (lambdas/scaler.py). It acts from zero, where no agent metric exists.
resource "aws_lambda_function" "scaler" {
  function_name                  = "${var.name}-scaler"
  role                           = aws_iam_role.scaler.arn
  runtime                        = "python3.11"
  architectures                  = ["x86_64"]
  handler                        = "lambdas.scaler.handler"
  timeout                        = 30
  memory_size                    = 256
  filename                       = var.lambda_package.path
  source_code_hash               = var.lambda_package.hash
  layers                         = [var.powertools_layer_arn]
  reserved_concurrent_executions = 1
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = {
      QUEUE_URL                 = var.queue_url
      AUTOSCALING_GROUP         = local.asg_name
      METRICS_NAMESPACE         = var.agent_metrics_namespace
      TARGET_UTILISATION        = tostring(var.scaling.target_utilisation)
      DEFAULT_CAPACITY          = tostring(var.scaling.default_capacity)
      SCALE_IN_DELAY_SECONDS    = tostring(var.scaling.scale_in_delay_seconds)
      SCALE_IN_COOLDOWN_SECONDS = tostring(var.scaling.scale_in_cooldown_seconds)
      IDLE_TO_ZERO_SECONDS      = tostring(var.scaling.idle_to_zero_seconds)
      POWERTOOLS_SERVICE_NAME   = "snapshot-scaler"
    }
  }

  tracing_config {
    mode = "Active"
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.scaler.id]
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.scaler.name
  }

  # checkov:skip=CKV_AWS_116: a failed run is decided again a minute later; a dead-letter queue of missed minutes has no use
  # checkov:skip=CKV_AWS_272: the zip is built from this repository by make lambdas; code signing needs a Signer profile this platform does not run
}

resource "aws_cloudwatch_log_group" "scaler" {
  name              = "/aws/lambda/${var.name}-scaler"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_security_group" "scaler" {
  name        = "${var.name}-scaler"
  description = "Scaler Lambda: HTTPS out to the VPC endpoints only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "scaler_endpoints" {
  security_group_id = aws_security_group.scaler.id
  description       = "HTTPS to the interface endpoints (SQS, Auto Scaling, CloudWatch)"
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_cloudwatch_event_rule" "scaler" {
  name                = "${var.name}-scaler"
  description         = "Run the workers' scaler every minute"
  schedule_expression = "rate(1 minute)"
}

resource "aws_cloudwatch_event_target" "scaler" {
  rule = aws_cloudwatch_event_rule.scaler.name
  arn  = aws_lambda_function.scaler.arn

  retry_policy {
    maximum_event_age_in_seconds = 60
    maximum_retry_attempts       = 0
  }
}

resource "aws_lambda_permission" "scaler" {
  statement_id  = "schedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.scaler.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.scaler.arn
}

resource "aws_iam_role" "scaler" {
  name               = "${var.name}-scaler"
  assume_role_policy = data.aws_iam_policy_document.scaler_assume.json
}

data "aws_iam_policy_document" "scaler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "scaler" {
  name   = "scale-workers"
  role   = aws_iam_role.scaler.id
  policy = data.aws_iam_policy_document.scaler.json
}

# What lambdas/scaler.py calls, plus what running as a VPC Lambda takes.
data "aws_iam_policy_document" "scaler" {
  # checkov:skip=CKV_AWS_111: Describe* of Auto Scaling, GetMetricData, ENI and X-Ray actions support no resource narrower than "*"
  # checkov:skip=CKV_AWS_356: same statement: those actions accept only "*" (AWS service authorization reference)
  statement {
    sid       = "QueueDepth"
    actions   = ["sqs:GetQueueAttributes"]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "Group"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:CreateOrUpdateTags"]
    resources = [local.asg_arn]
  }

  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.scaler.arn}:*"]
  }

  statement {
    sid = "ReadOnlyAndRuntime"
    actions = [
      "autoscaling:DescribeAutoScalingGroups", "cloudwatch:GetMetricData",
      "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
      "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    ]
    resources = ["*"]
  }
}
