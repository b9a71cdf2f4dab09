output "dms" {
  description = "The DMS replication (start it with aws dms start-replication) and its security group, or null when tables are off."
  value = local.tables_on ? {
    replication_config_arn = aws_dms_replication_config.this[0].arn
    security_group_id      = aws_security_group.dms[0].id
  } : null
}

output "datasync_task_arns" {
  description = "The DataSync task of each transfer (start it with aws datasync start-task-execution)."
  value       = { for name, task in aws_datasync_task.transfer : name => task.arn }
}
