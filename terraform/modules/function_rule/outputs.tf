output "rule_arn" {
  description = "ARN of the rule (the dead-letter queue's only allowed sender)."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "rule_name" {
  description = "Name of the rule."
  value       = aws_cloudwatch_event_rule.this.name
}
