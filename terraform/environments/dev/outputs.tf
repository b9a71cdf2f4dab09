output "platform" {
  description = "API URL, queue, table, bucket, state machine, worker fleet and alarms of this environment."
  value       = module.platform.operator
}
