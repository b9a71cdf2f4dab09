output "table_name" {
  description = "The snapshots table."
  value       = aws_dynamodb_table.snapshots.name
}

output "table_arn" {
  description = "ARN of the snapshots table."
  value       = aws_dynamodb_table.snapshots.arn
}

output "index_arn" {
  description = "ARN of the by-report index (status Lambda's listing)."
  value       = "${aws_dynamodb_table.snapshots.arn}/index/by-report"
}

output "lease_table_name" {
  description = "The fleet-wide leases table (the agents' QuickSight job slots)."
  value       = aws_dynamodb_table.leases.name
}

output "lease_table_arn" {
  description = "ARN of the leases table."
  value       = aws_dynamodb_table.leases.arn
}
