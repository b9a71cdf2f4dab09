output "queue_url" {
  description = "URL of the jobs queue."
  value       = aws_sqs_queue.jobs.id
}

output "queue_arn" {
  description = "ARN of the jobs queue."
  value       = aws_sqs_queue.jobs.arn
}

output "queue_name" {
  description = "Name of the jobs queue (CloudWatch dimension)."
  value       = aws_sqs_queue.jobs.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue (the agents fail the tasks of jobs that reach it)."
  value       = aws_sqs_queue.dlq.id
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (CloudWatch dimension)."
  value       = aws_sqs_queue.dlq.name
}

output "max_receive_count" {
  description = "Receives before a job moves to the DLQ; agents fail a job as poison one receive earlier."
  value       = var.max_receive_count
}

output "visibility_timeout_seconds" {
  description = "The queue's visibility timeout, which the agent's setting must match."
  value       = aws_sqs_queue.jobs.visibility_timeout_seconds
}
