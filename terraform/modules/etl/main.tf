# The data half: files land in the landing bucket, S3's "Object Created" reaches the landed
# function, which starts the load state machine under the file's load id; the agents run the
# load job and the machine announces "Data Landed" on the platform's bus.
data "aws_caller_identity" "current" {}

locals {
  landing      = "${var.name}-landing-${data.aws_caller_identity.current.account_id}"
  datasets_key = "catalog/datasets.toml"
  # The load state machine's events come from the data platform's own principal, which the report
  # catalog names among the callers of the reports a load refreshes.
  loads_event_source = "datalake.ingest"
}

module "landing" {
  source        = "../private_bucket"
  name          = local.landing
  kms_key_arn   = var.kms_key_arn
  access_logs   = { bucket = var.access_logs_bucket }
  eventbridge   = true # every object event; the rule below picks the dataset files
  force_destroy = var.force_destroy
  lifecycle_rules = [
    { id = "expire-landed-files", expiration_days = var.landing_days, noncurrent_days = 7 },
    { id = "expire-rejects", prefix = "_rejects/", expiration_days = var.rejects_days },
  ]
}

# The dataset catalog, beside the report catalog: the agents' load jobs read it.
resource "aws_s3_object" "datasets" {
  bucket       = var.catalog_bucket.name
  key          = local.datasets_key
  source       = var.datasets_path
  source_hash  = filemd5(var.datasets_path)
  content_type = "application/toml"
}

# One item per load: LOADING once the state machine registers it, then LOADED or FAILED with its figures.
resource "aws_dynamodb_table" "ledger" {
  name                        = "${var.name}-loads"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "load_id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "load_id"
    type = "S"
  }

  attribute {
    name = "dataset"
    type = "S"
  }

  attribute {
    name = "landed_at"
    type = "S"
  }

  # A dataset's loads in the order their files landed: an agent finds an earlier one still loading.
  global_secondary_index {
    name               = "by-dataset"
    hash_key           = "dataset"
    range_key          = "landed_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["status", "key", "execution_arn"]
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

# Where these were before the private_bucket module (an apply moves them, replaces nothing).
moved {
  from = aws_s3_bucket.landing
  to   = module.landing.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_versioning.landing
  to   = module.landing.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.landing
  to   = module.landing.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.landing
  to   = module.landing.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.landing
  to   = module.landing.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_policy.landing
  to   = module.landing.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.landing
  to   = module.landing.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_logging.landing
  to   = module.landing.aws_s3_bucket_logging.this[0]
}

moved {
  from = aws_s3_bucket_notification.landing
  to   = module.landing.aws_s3_bucket_notification.this[0]
}
