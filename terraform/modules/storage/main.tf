data "aws_caller_identity" "current" {}

locals {
  bucket      = "${var.name}-snapshots-${data.aws_caller_identity.current.account_id}"
  logs_bucket = "${var.name}-access-logs-${data.aws_caller_identity.current.account_id}"
  catalog_key = "catalog/reports.toml"
}

module "snapshots" {
  source        = "../private_bucket"
  name          = local.bucket
  kms_key_arn   = var.kms_key_arn
  access_logs   = { bucket = module.logs.bucket.name }
  force_destroy = var.force_destroy
  lifecycle_rules = [
    { id = "expire-old-generations", prefix = "snapshots/", expiration_days = var.snapshot_days, noncurrent_days = var.noncurrent_days },
    { id = "old-catalog-versions", prefix = "catalog/", noncurrent_days = 365 },
  ]
}

# The access-log target: every bucket of the platform logs into it; it does not log itself.
module "logs" {
  source               = "../private_bucket"
  name                 = local.logs_bucket
  receives_access_logs = true
  force_destroy        = var.force_destroy
  lifecycle_rules = [
    { id = "expire-access-logs", prefix = "s3/", expiration_days = var.access_log_days, noncurrent_days = 7 },
  ]
}

resource "aws_s3_object" "catalog" {
  bucket       = module.snapshots.bucket.name
  key          = local.catalog_key
  source       = var.catalog_path
  source_hash  = filemd5(var.catalog_path)
  content_type = "application/toml"
}


# Where these were before the private_bucket module (an apply moves them, replaces nothing).
moved {
  from = aws_s3_bucket.snapshots
  to   = module.snapshots.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_versioning.snapshots
  to   = module.snapshots.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.snapshots
  to   = module.snapshots.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.snapshots
  to   = module.snapshots.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_policy.snapshots
  to   = module.snapshots.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.snapshots
  to   = module.snapshots.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket.logs
  to   = module.logs.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_versioning.logs
  to   = module.logs.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.logs
  to   = module.logs.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.logs
  to   = module.logs.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_policy.logs
  to   = module.logs.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.logs
  to   = module.logs.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_ownership_controls.snapshots
  to   = module.snapshots.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_logging.snapshots
  to   = module.snapshots.aws_s3_bucket_logging.this[0]
}
