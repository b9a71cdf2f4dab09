output "api_url" {
  description = "Base URL of the HTTP API (SigV4-signed requests, service execute-api)."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "function_names" {
  description = "Lambda function names by role (trigger, status)."
  value       = { for k, f in module.function : k => f.function_name }
}

output "trigger_dlq_name" {
  description = "Dead-letter queue of the trigger's asynchronous invocations (CloudWatch dimension)."
  value       = module.trigger_dlq.name
}

output "event_producer" {
  description = "The schedules' event source and the role that puts their events on the bus."
  value       = { source = "${local.event_source}.scheduler", role_arn = aws_iam_role.scheduler.arn }
}
