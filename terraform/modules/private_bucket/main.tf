# One private bucket as the platform makes them all: versioned, encrypted (SSE-KMS with the
# platform key; SSE-S3 only for the access-log target, the one kind S3 server access logging can
# deliver to), public access blocked, objects owned by the bucket owner, TLS-only, access logged
# into the platform's log bucket, incomplete uploads aborted after a day, plus the caller's
# lifecycle rules.
resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_144: every bucket of the platform holds derived or replayable data (snapshots, landed files kept for replays, access logs); a cross-region replica would double cost for nothing
  # checkov:skip=CKV2_AWS_62: object events go to EventBridge where a bucket's caller asks (eventbridge = true); the others have no consumer
  # checkov:skip=CKV_AWS_18: access logging is aws_s3_bucket_logging below, on for every bucket but the access-log target itself (access_logs = null), which would log into itself
  # checkov:skip=CKV_AWS_145: SSE-KMS with the platform key below, except for the access-log target (kms_key_arn = null): S3 server access logging delivers only to SSE-S3 buckets
  bucket        = var.name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    bucket_key_enabled = var.kms_key_arn != null ? true : null
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn != null ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket     = aws_s3_bucket.this.id
  policy     = data.aws_iam_policy_document.this.json
  depends_on = [aws_s3_bucket_public_access_block.this]
}

data "aws_caller_identity" "current" {}

module "tls_only" {
  source    = "../tls_only_policy"
  service   = "s3"
  resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [module.tls_only.json]

  # The access-log target: S3's logging service may write under s3/, for this account's buckets.
  dynamic "statement" {
    for_each = var.receives_access_logs ? [1] : []
    content {
      sid       = "S3ServerAccessLogs"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/s3/*"]
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

resource "aws_s3_bucket_logging" "this" {
  count         = var.access_logs == null ? 0 : 1
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_logs.bucket
  target_prefix = "s3/${var.name}/"
}

resource "aws_s3_bucket_notification" "this" {
  count       = var.eventbridge ? 1 : 0
  bucket      = aws_s3_bucket.this.id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  # checkov:skip=CKV_AWS_300: the last rule aborts incomplete uploads after a day, in every bucket; checkov misreads a static rule beside the dynamic ones (tests/terraform/test_static.py holds the rule)
  bucket     = aws_s3_bucket.this.id
  depends_on = [aws_s3_bucket_versioning.this]

  dynamic "rule" {
    for_each = var.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"
      filter {
        prefix = rule.value.prefix
      }
      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]
        content {
          days = expiration.value
        }
      }
      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_days == null ? [] : [rule.value.noncurrent_days]
        content {
          noncurrent_days = noncurrent_version_expiration.value
        }
      }
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
