locals {
  event_source = "snapshot-engine"
  functions = {
    trigger = { handler = "lambdas.trigger.handler", timeout = 15 }
    status  = { handler = "lambdas.status.handler", timeout = 10 }
  }
  # "POST /snapshots" = "trigger", ...: one per operation of the OpenAPI document.
  openapi = jsondecode(var.openapi_document)
  routes = merge([
    for path, operations in local.openapi.paths : {
      for method, operation in operations : "${upper(method)} ${path}" => operation["x-snapshot-engine-function"]
    }
  ]...)
  environment = {
    TABLE_NAME              = var.table.name
    BUCKET_NAME             = var.bucket.name
    CATALOG_URI             = var.catalog.uri
    STATE_MACHINE_ARN       = var.state_machine_arn
    ENTITLEMENTS_TABLE      = var.entitlements_table.name
    PAGE_TOKEN_KEY_ID       = var.kms_key_arn
    POWERTOOLS_SERVICE_NAME = "snapshot-engine"
    POWERTOOLS_LOG_LEVEL    = "INFO"
  }
}

module "function" {
  source               = "../function"
  for_each             = local.functions
  name                 = "${var.name}-${each.key}"
  handler              = each.value.handler
  timeout              = each.value.timeout
  package              = var.lambda_code.package
  layer_arns           = [var.lambda_code.powertools_layer_arn]
  environment          = local.environment
  reserved_concurrency = var.reserved_concurrency
  kms_key_arn          = var.kms_key_arn
  policy_json          = each.key == "trigger" ? data.aws_iam_policy_document.trigger.json : data.aws_iam_policy_document.status.json
  dead_letter_arn      = module.trigger_dlq.arn
  network              = var.network
  log_retention_days   = var.log_retention_days
}

# Failed asynchronous invocations (EventBridge deliveries) land here.
module "trigger_dlq" {
  source      = "../event_dlq"
  name        = "${var.name}-trigger-dlq"
  rule_arn    = module.requests.rule_arn
  kms_key_arn = var.kms_key_arn
}

moved {
  from = aws_sqs_queue.trigger_dlq
  to   = module.trigger_dlq.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue_policy.trigger_dlq
  to   = module.trigger_dlq.aws_sqs_queue_policy.this
}

# HTTP API with IAM authorization on every route.
resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name}-api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "this" {
  for_each               = local.functions
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.function[each.key].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = local.routes
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.this[each.value].id}"
  authorization_type = var.jwt_authorizer == null ? "AWS_IAM" : "JWT"
  authorizer_id      = var.jwt_authorizer == null ? null : aws_apigatewayv2_authorizer.jwt[0].id

  lifecycle {
    precondition {
      condition     = contains(keys(local.functions), each.value)
      error_message = "The OpenAPI operation ${each.key} names a function (${each.value}) this module does not make."
    }
  }
}

# People through an OIDC issuer instead of SigV4, where an environment chooses it.
resource "aws_apigatewayv2_authorizer" "jwt" {
  count            = var.jwt_authorizer == null ? 0 : 1
  api_id           = aws_apigatewayv2_api.this.id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_authorizer.issuer
    audience = var.jwt_authorizer.audience
  }
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttle_rate
    throttling_burst_limit = var.throttle_burst
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp", caller = "$context.identity.caller",
      user      = "$context.identity.user", requestTime = "$context.requestTime", routeKey = "$context.routeKey",
      status    = "$context.status", latency = "$context.responseLatency", error = "$context.integrationErrorMessage"
    })
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name}-api"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_permission" "api" {
  for_each      = local.functions
  statement_id  = "api-gateway"
  action        = "lambda:InvokeFunction"
  function_name = module.function[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

# "Snapshot Requested" and "Data Landed" events on the platform's bus become snapshot requests.
module "requests" {
  source         = "../function_rule"
  name           = "${var.name}-snapshot-requests"
  description    = "Snapshot Requested and Data Landed events to the trigger Lambda"
  event_bus_name = var.event_bus.name
  event_pattern = jsonencode({
    "source"      = concat(["${local.event_source}.scheduler"], var.request_sources)
    "detail-type" = ["Snapshot Requested", "Data Landed"]
  })
  function        = module.function["trigger"]
  statement_id    = "eventbridge"
  delivery        = { max_age_seconds = 3600, max_attempts = 8 }
  dead_letter_arn = module.trigger_dlq.arn
}

# Where the rule lived before the function_rule module: an apply moves it.
moved {
  from = aws_cloudwatch_event_rule.requests
  to   = module.requests.aws_cloudwatch_event_rule.this
}

moved {
  from = aws_cloudwatch_event_target.requests
  to   = module.requests.aws_cloudwatch_event_target.this
}

moved {
  from = aws_lambda_permission.events
  to   = module.requests.aws_lambda_permission.this
}

# A catalog report with a schedule is requested by EventBridge Scheduler, through the bus.
resource "aws_scheduler_schedule_group" "this" {
  name = var.name
}

resource "aws_scheduler_schedule" "report" {
  for_each                     = var.schedules
  name                         = "${var.name}-${replace(each.key, "_", "-")}"
  group_name                   = aws_scheduler_schedule_group.this.name
  schedule_expression          = each.value.expression
  schedule_expression_timezone = each.value.timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.event_bus.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ report = each.key, format = each.value.format })

    eventbridge_parameters {
      detail_type = "Snapshot Requested"
      source      = "${local.event_source}.scheduler"
    }

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 5
    }
  }
}
