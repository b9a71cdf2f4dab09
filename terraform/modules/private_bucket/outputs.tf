output "bucket" {
  description = "The bucket: name and ARN."
  value       = { name = aws_s3_bucket.this.id, arn = aws_s3_bucket.this.arn }
  # S3 checks a log target's policy when another bucket switches logging on, and a writer may
  # rely on the encryption and the TLS-only policy: the bucket is ready once its policy is.
  depends_on = [aws_s3_bucket_policy.this, aws_s3_bucket_server_side_encryption_configuration.this]
}
