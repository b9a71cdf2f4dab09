output "endpoint" {
  description = "host:port of the reporting database, or null when disabled."
  value       = var.enabled ? aws_db_instance.reporting[0].endpoint : null
}

output "security_group_id" {
  description = "Security group of the reporting database, or null when disabled."
  value       = var.enabled ? aws_security_group.reporting[0].id : null
}

output "master_secret_arn" {
  description = "Secrets Manager secret of the managed master password, or null: for operators (snapshot-agent database-users), never the agents."
  value       = var.enabled ? aws_db_instance.reporting[0].master_user_secret[0].secret_arn : null
}

output "reader_secret_arn" {
  description = "The secret of the read-only user renders connect as, or null."
  value       = var.enabled ? aws_secretsmanager_secret.database_user["reader"].arn : null
}

output "loader_secret_arn" {
  description = "The secret of the user load jobs write as, or null."
  value       = var.enabled ? aws_secretsmanager_secret.database_user["loader"].arn : null
}

output "quicksight_data_source_arn" {
  description = "ARN of the QuickSight data source, or null."
  value       = var.enabled && var.quicksight_enabled ? aws_quicksight_data_source.reporting[0].arn : null
}

output "database_name" {
  description = "The database the reports read (and DMS fills), or null when disabled."
  value       = var.enabled ? var.database_name : null
}
