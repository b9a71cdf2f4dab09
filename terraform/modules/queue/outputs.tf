output "jobs" {
  description = "The jobs queue: name (the CloudWatch dimension), URL and ARN."
  value       = { name = aws_sqs_queue.jobs.name, url = aws_sqs_queue.jobs.id, arn = aws_sqs_queue.jobs.arn }
}

output "dlq" {
  description = "The dead-letter queue (the agents fail the tasks of jobs that reach it): name, URL and ARN."
  value       = { name = aws_sqs_queue.dlq.name, url = aws_sqs_queue.dlq.id, arn = aws_sqs_queue.dlq.arn }
}

output "max_receive_count" {
  description = "Receives before a job moves to the DLQ; agents fail a job as poison one receive earlier."
  value       = var.max_receive_count
}

output "visibility_timeout_seconds" {
  description = "The queue's visibility timeout, which the agent's setting must match."
  value       = aws_sqs_queue.jobs.visibility_timeout_seconds
}
