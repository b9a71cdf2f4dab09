output "landing_bucket" {
  description = "The landing bucket: name and ARN."
  value       = module.landing.bucket
}

output "ledger_table" {
  description = "The loads ledger: name and ARN."
  value       = { name = aws_dynamodb_table.ledger.name, arn = aws_dynamodb_table.ledger.arn }
}

output "load_state_machine_arn" {
  description = "ARN of the load state machine."
  value       = module.machine.arn
}

output "datasets" {
  description = "The dataset catalog: the s3:// URI the agents read, and the object's ARN."
  value = {
    uri        = "s3://${var.catalog_bucket.name}/${aws_s3_object.datasets.key}"
    object_arn = "${var.catalog_bucket.arn}/${aws_s3_object.datasets.key}"
  }
}

output "landed_dlq_name" {
  description = "Dead-letter queue of the landed function's failed deliveries."
  value       = module.landed_dlq.name
}

output "landed_function_name" {
  description = "Name of the landed function (its errors are alarmed)."
  value       = module.landed.function_name
}

output "event_producer" {
  description = "The load state machine's event source (Data Landed) and the role that puts its events on the bus."
  value       = { source = local.loads_event_source, role_arn = module.machine.role_arn }
}
