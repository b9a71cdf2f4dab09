output "arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "name" {
  description = "Name of the queue (the alarm's dimension)."
  value       = aws_sqs_queue.this.name
}
