data "aws_caller_identity" "current" {}

locals {
  bucket      = "${var.name}-snapshots-${data.aws_caller_identity.current.account_id}"
  logs_bucket = "${var.name}-access-logs-${data.aws_caller_identity.current.account_id}"
  catalog_key = "catalog/reports.toml"
}

resource "aws_s3_bucket" "snapshots" {
  bucket        = local.bucket
  force_destroy = var.force_destroy
  # checkov:skip=CKV_AWS_144: snapshots are derived data, re-rendered on demand; replication would double cost for nothing
  # checkov:skip=CKV2_AWS_62: nothing consumes object events; readiness is announced on the event bus by the state machine
}

resource "aws_s3_bucket_versioning" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    bucket_key_enabled = true
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "snapshots" {
  bucket     = aws_s3_bucket.snapshots.id
  policy     = data.aws_iam_policy_document.tls_only["snapshots"].json
  depends_on = [aws_s3_bucket_public_access_block.snapshots]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = {
    snapshots = aws_s3_bucket.snapshots.arn
    logs      = aws_s3_bucket.logs.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value, "${each.value}/*"]
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

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []
    content {
      sid       = "S3ServerAccessLogs"
      actions   = ["s3:PutObject"]
      resources = ["${each.value}/s3/*"]
      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "snapshots" {
  bucket     = aws_s3_bucket.snapshots.id
  depends_on = [aws_s3_bucket_versioning.snapshots]

  rule {
    id     = "expire-old-generations"
    status = "Enabled"
    filter {
      prefix = "snapshots/"
    }
    expiration {
      days = var.snapshot_days
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_days
    }
  }

  rule {
    id     = "old-catalog-versions"
    status = "Enabled"
    filter {
      prefix = "catalog/"
    }
    noncurrent_version_expiration {
      noncurrent_days = 365
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

resource "aws_s3_bucket_logging" "snapshots" {
  bucket        = aws_s3_bucket.snapshots.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${local.bucket}/"
  # The logging service may write only once the target's policy grants it; S3 checks the target
  # when logging is switched on, so the grant goes first.
  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_s3_object" "catalog" {
  bucket       = aws_s3_bucket.snapshots.id
  key          = local.catalog_key
  source       = var.catalog_path
  source_hash  = filemd5(var.catalog_path)
  content_type = "application/toml"
  depends_on   = [aws_s3_bucket_server_side_encryption_configuration.snapshots]
}

# Access-log target. Server access logging only writes to SSE-S3 buckets, and a log bucket does
# not log itself.
resource "aws_s3_bucket" "logs" {
  bucket        = local.logs_bucket
  force_destroy = var.force_destroy
  # checkov:skip=CKV_AWS_18: this is the access-log target; logging it into itself would loop
  # checkov:skip=CKV_AWS_144: access logs are audit data kept in-region; no replica needed
  # checkov:skip=CKV_AWS_145: S3 server access logging can only deliver to SSE-S3 (AES256) buckets
  # checkov:skip=CKV2_AWS_62: nothing consumes events of the access-log bucket
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "logs" {
  bucket     = aws_s3_bucket.logs.id
  policy     = data.aws_iam_policy_document.tls_only["logs"].json
  depends_on = [aws_s3_bucket_public_access_block.logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket     = aws_s3_bucket.logs.id
  depends_on = [aws_s3_bucket_versioning.logs]

  rule {
    id     = "expire-access-logs"
    status = "Enabled"
    filter {
      prefix = "s3/"
    }
    expiration {
      days = var.access_log_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
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
