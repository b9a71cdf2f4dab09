# An EventBridge rule that invokes one function, as the platform always wires one: the rule (an
# event pattern on a bus, or a schedule), its one target with the delivery retries stated (and a
# dead-letter queue where missed events matter), and the function's permission for this rule only.
resource "aws_cloudwatch_event_rule" "this" {
  name                = var.name
  description         = var.description
  event_bus_name      = var.event_bus_name
  event_pattern       = var.event_pattern
  schedule_expression = var.schedule_expression
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = var.event_bus_name
  arn            = var.function.arn
  input          = var.input

  retry_policy {
    maximum_event_age_in_seconds = var.delivery.max_age_seconds
    maximum_retry_attempts       = var.delivery.max_attempts
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_arn == null ? [] : [var.dead_letter_arn]
    content {
      arn = dead_letter_config.value
    }
  }
}

resource "aws_lambda_permission" "this" {
  statement_id  = var.statement_id
  action        = "lambda:InvokeFunction"
  function_name = var.function.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
