output "bucket" {
  description = "The snapshots bucket: name and ARN."
  value       = { name = aws_s3_bucket.snapshots.id, arn = aws_s3_bucket.snapshots.arn }
}

output "catalog" {
  description = "The report catalog: the s3:// URI the agent and the Lambdas read, and the object's ARN."
  value = {
    uri        = "s3://${aws_s3_bucket.snapshots.id}/${aws_s3_object.catalog.key}"
    object_arn = "${aws_s3_bucket.snapshots.arn}/${aws_s3_object.catalog.key}"
  }
}

output "access_logs_bucket" {
  description = "Name of the S3 access-log bucket (other buckets of the platform log into it)."
  value       = aws_s3_bucket.logs.id
  # S3 checks the target's policy when logging is switched on: a bucket may log here only once
  # the grant to the logging service exists.
  depends_on = [aws_s3_bucket_policy.logs]
}
