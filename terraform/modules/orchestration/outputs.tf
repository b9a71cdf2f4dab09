output "event_bus" {
  description = "The platform's event bus (Snapshot Ready / Failed notifications, Snapshot Requested and Data Landed events): name and ARN."
  value       = { name = aws_cloudwatch_event_bus.this.name, arn = aws_cloudwatch_event_bus.this.arn }
}

output "state_machine_arn" {
  description = "ARN of the snapshot state machine."
  value       = module.machine.arn
}

output "state_machine_name" {
  description = "Name of the snapshot state machine (CloudWatch dimension)."
  value       = module.machine.name
}

output "event_source" {
  description = "Source of the events the state machine publishes."
  value       = local.event_source
}

output "job_timeout_seconds" {
  description = "The job budget (Render's TimeoutSeconds)."
  value       = var.job_timeout_seconds
}
