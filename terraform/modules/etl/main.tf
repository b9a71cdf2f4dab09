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

resource "aws_s3_bucket" "landing" {
  bucket        = local.landing
  force_destroy = var.force_destroy
  # checkov:skip=CKV_AWS_144: landed files are loaded into the database within minutes and kept only for replays; a replica doubles cost for nothing
}

resource "aws_s3_bucket_versioning" "landing" {
  bucket = aws_s3_bucket.landing.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "landing" {
  bucket = aws_s3_bucket.landing.id
  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "landing" {
  bucket                  = aws_s3_bucket.landing.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "landing" {
  bucket = aws_s3_bucket.landing.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "landing" {
  bucket     = aws_s3_bucket.landing.id
  policy     = data.aws_iam_policy_document.tls_only.json
  depends_on = [aws_s3_bucket_public_access_block.landing]
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.landing.arn, "${aws_s3_bucket.landing.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_logging" "landing" {
  bucket        = aws_s3_bucket.landing.id
  target_bucket = var.access_logs_bucket
  target_prefix = "s3/${local.landing}/"
}

# Every object event goes to EventBridge; the rule below picks the dataset files.
resource "aws_s3_bucket_notification" "landing" {
  bucket      = aws_s3_bucket.landing.id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "landing" {
  bucket     = aws_s3_bucket.landing.id
  depends_on = [aws_s3_bucket_versioning.landing]

  rule {
    id     = "expire-landed-files"
    status = "Enabled"
    filter {}
    expiration {
      days = var.landing_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }

  rule {
    id     = "expire-rejects"
    status = "Enabled"
    filter {
      prefix = "_rejects/"
    }
    expiration {
      days = var.rejects_days
    }
  }

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
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
