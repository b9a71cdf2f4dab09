output "bucket" {
  description = "The snapshots bucket: name and ARN."
  value       = module.snapshots.bucket
}

output "catalog" {
  description = "The report catalog: the s3:// URI the agent and the Lambdas read, and the object's ARN."
  value = {
    uri        = "s3://${module.snapshots.bucket.name}/${aws_s3_object.catalog.key}"
    object_arn = "${module.snapshots.bucket.arn}/${aws_s3_object.catalog.key}"
  }
}

output "access_logs_bucket" {
  description = "Name of the S3 access-log bucket (other buckets of the platform log into it)."
  value       = module.logs.bucket.name # ready once its policy grants the logging service
}
