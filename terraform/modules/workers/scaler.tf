locals {
  scaler_environment = {
    QUEUE_URL               = var.queue.url
    AUTOSCALING_GROUP       = local.asg_name
    METRICS_NAMESPACE       = var.agent_metrics_namespace
    POWERTOOLS_SERVICE_NAME = "snapshot-scaler"
  }
  scaling_environment = {
    TARGET_UTILISATION        = var.scaling.target_utilisation
    DEFAULT_CAPACITY          = var.scaling.default_capacity
    SCALE_IN_DELAY_SECONDS    = var.scaling.scale_in_delay_seconds
    SCALE_IN_COOLDOWN_SECONDS = var.scaling.scale_in_cooldown_seconds
    IDLE_TO_ZERO_SECONDS      = var.scaling.idle_to_zero_seconds
  }
}

# The scaler: every minute, scaling.policy.decide sets the group's desired capacity from the queue
# and the agents' metrics (lambdas/scaler.py). It acts from zero, where no agent metric exists.
module "scaler" {
  source               = "../function"
  name                 = "${var.name}-scaler"
  handler              = "lambdas.scaler.handler"
  timeout              = 30
  memory_size          = 256
  package              = var.lambda_code.package
  layer_arns           = [var.lambda_code.powertools_layer_arn]
  reserved_concurrency = 1
  kms_key_arn          = var.kms_key_arn
  policy_json          = data.aws_iam_policy_document.scaler.json
  # The scaler calls SQS, Auto Scaling and CloudWatch (interface endpoints), no gateway endpoint.
  network            = merge(var.network, { gateway_prefix_lists = {} })
  log_retention_days = var.log_retention_days
  # only the policy knobs an environment set: their defaults live in scaling/policy.py alone
  environment = merge(
    local.scaler_environment,
    { for name, value in local.scaling_environment : name => tostring(value) if value != null },
  )
}

# A missed minute is made good by the next one: no retry, no dead letter.
module "scaler_schedule" {
  source              = "../function_rule"
  name                = "${var.name}-scaler"
  description         = "Run the workers' scaler every minute"
  schedule_expression = "rate(1 minute)"
  function            = module.scaler
  statement_id        = "schedule"
  delivery            = { max_age_seconds = 60, max_attempts = 0 }
}

# Where the rule lived before the function_rule module: an apply moves it.
moved {
  from = aws_cloudwatch_event_rule.scaler
  to   = module.scaler_schedule.aws_cloudwatch_event_rule.this
}

moved {
  from = aws_cloudwatch_event_target.scaler
  to   = module.scaler_schedule.aws_cloudwatch_event_target.this
}

moved {
  from = aws_lambda_permission.scaler
  to   = module.scaler_schedule.aws_lambda_permission.this
}

# What lambdas/scaler.py calls (the function module adds what running takes).
data "aws_iam_policy_document" "scaler" {
  # checkov:skip=CKV_AWS_111: Describe* of Auto Scaling and GetMetricData support no resource narrower than "*"
  # checkov:skip=CKV_AWS_356: same statement: those actions accept only "*" (AWS service authorization reference)
  statement {
    sid       = "QueueDepth"
    actions   = ["sqs:GetQueueAttributes"]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "Group"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:CreateOrUpdateTags"]
    resources = [local.asg_arn]
  }

  statement {
    sid       = "ReadOnly"
    actions   = ["autoscaling:DescribeAutoScalingGroups", "cloudwatch:GetMetricData"]
    resources = ["*"]
  }
}
