output "table" {
  description = "The snapshots table: name and ARN."
  value       = { name = aws_dynamodb_table.snapshots.name, arn = aws_dynamodb_table.snapshots.arn }
}

output "lease_table" {
  description = "The fleet-wide leases table (the agents' QuickSight job slots): name and ARN."
  value       = { name = aws_dynamodb_table.leases.name, arn = aws_dynamodb_table.leases.arn }
}

output "entitlements_table" {
  description = "Who may see which values of the catalog's entitled params: name and ARN."
  value       = { name = aws_dynamodb_table.entitlements.name, arn = aws_dynamodb_table.entitlements.arn }
}
