output "bucket_name" {
  description = "The snapshots bucket."
  value       = aws_s3_bucket.snapshots.id
}

output "bucket_arn" {
  description = "ARN of the snapshots bucket."
  value       = aws_s3_bucket.snapshots.arn
}

output "catalog_uri" {
  description = "s3:// URI of the report catalog, as the agent and the Lambdas read it."
  value       = "s3://${aws_s3_bucket.snapshots.id}/${aws_s3_object.catalog.key}"
}

output "catalog_object_arn" {
  description = "ARN of the catalog object."
  value       = "${aws_s3_bucket.snapshots.arn}/${aws_s3_object.catalog.key}"
}
