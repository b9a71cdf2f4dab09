output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.this.function_name
}

output "arn" {
  description = "The function's ARN (EventBridge targets)."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "The function's invoke ARN (API Gateway integrations)."
  value       = aws_lambda_function.this.invoke_arn
}
