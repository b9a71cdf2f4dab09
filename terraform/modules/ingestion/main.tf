# Event ingestion (what replaces Event Hubs and Stream Analytics' capture): one Kinesis Data
# Firehose stream per event dataset, writing date-partitioned objects into the landing bucket,
# where they are loaded like any landed file.
data "aws_caller_identity" "current" {}

resource "aws_kinesis_firehose_delivery_stream" "events" {
  for_each    = var.streams
  name        = "${var.name}-${each.key}-events"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = var.kms_key_arn
  }

  extended_s3_configuration {
    role_arn   = aws_iam_role.firehose.arn
    bucket_arn = var.landing_bucket.arn
    # The same layout as Firehose's default (yyyy/MM/dd/HH/), spelled out: a custom prefix also
    # sends failed records to an error prefix of the platform's own, which no dataset loads.
    prefix              = "${each.value.prefix}!{timestamp:yyyy/MM/dd/HH}/"
    error_output_prefix = "_firehose-errors/${each.key}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    file_extension      = each.value.extension
    buffering_size      = var.buffering_mb
    buffering_interval  = var.buffering_seconds
    compression_format  = "UNCOMPRESSED"
    kms_key_arn         = var.kms_key_arn

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = "${each.key}-delivery"
    }
  }
}

resource "aws_cloudwatch_log_group" "firehose" {
  name              = "/aws/kinesisfirehose/${var.name}-events"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_log_stream" "delivery" {
  for_each       = var.streams
  name           = "${each.key}-delivery"
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_iam_role" "firehose" {
  name               = "${var.name}-firehose"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "firehose" {
  name   = "deliver-events"
  role   = aws_iam_role.firehose.id
  policy = data.aws_iam_policy_document.firehose.json
}

# What Firehose's S3 delivery needs (AWS's documented set), on the landing bucket only.
data "aws_iam_policy_document" "firehose" {
  statement {
    sid = "Deliver"
    actions = [
      "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
      "s3:ListBucketMultipartUploads", "s3:PutObject",
    ]
    resources = [var.landing_bucket.arn, "${var.landing_bucket.arn}/*"]
  }

  statement {
    sid       = "Encrypted"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeliveryLogs"
    actions   = ["logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.firehose.arn}:*"]
  }
}
