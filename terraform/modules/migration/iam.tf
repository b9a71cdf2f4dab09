# The roles DMS and DataSync act as, each with only what its part of the copy needs.

# DMS reads the two endpoint secrets (username, password, host, port) through this role.
resource "aws_iam_role" "dms_secrets" {
  count              = local.tables_on ? 1 : 0
  name               = "${var.name}-dms-secrets"
  assume_role_policy = data.aws_iam_policy_document.dms_assume.json
}

data "aws_iam_policy_document" "dms_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["dms.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role_policy" "dms_secrets" {
  count  = local.tables_on ? 1 : 0
  name   = "endpoint-secrets"
  role   = aws_iam_role.dms_secrets[0].id
  policy = data.aws_iam_policy_document.dms_secrets.json
}

data "aws_iam_policy_document" "dms_secrets" {
  statement {
    sid       = "EndpointSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.tables_on ? [var.tables.source.secret_arn, var.tables.target_secret_arn] : []
  }

  dynamic "statement" {
    for_each = local.tables_on && length(try(var.tables.secret_kms_key_arns, [])) > 0 ? [1] : []
    content {
      sid       = "SecretKeys"
      actions   = ["kms:Decrypt"]
      resources = var.tables.secret_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.amazonaws.com"]
      }
    }
  }
}

# DMS needs these two account-wide roles, under exactly these names, with AWS's policies: one to
# place its network interfaces in the VPC, one to write its logs. An account that already has them
# (another environment created them) sets create_account_roles = false.
resource "aws_iam_role" "dms_account" {
  for_each           = local.tables_on && try(var.tables.create_account_roles, false) ? local.dms_account_roles : {}
  name               = each.key
  assume_role_policy = data.aws_iam_policy_document.dms_account_assume.json
}

locals {
  dms_account_roles = {
    "dms-vpc-role"             = "service-role/AmazonDMSVPCManagementRole"
    "dms-cloudwatch-logs-role" = "service-role/AmazonDMSCloudWatchLogsRole"
  }
}

data "aws_iam_policy_document" "dms_account_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["dms.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "dms_account" {
  for_each   = aws_iam_role.dms_account
  role       = each.value.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${local.dms_account_roles[each.key]}"
}

# DataSync writes the landed files into the landing bucket (AWS's documented S3 location actions,
# on the declared prefixes only) and encrypts them with the platform key.
resource "aws_iam_role" "datasync" {
  count              = local.files_on ? 1 : 0
  name               = "${var.name}-datasync-landing"
  assume_role_policy = data.aws_iam_policy_document.datasync_assume.json
}

data "aws_iam_policy_document" "datasync_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["datasync.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = local.datasync_source_arns
    }
  }
}

resource "aws_iam_role_policy" "datasync" {
  count  = local.files_on ? 1 : 0
  name   = "landing"
  role   = aws_iam_role.datasync[0].id
  policy = data.aws_iam_policy_document.datasync.json
}

data "aws_iam_policy_document" "datasync" {
  statement {
    sid       = "LandingBucket"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
    resources = [var.landing_bucket.arn]
  }

  statement {
    sid = "LandingObjects"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:GetObjectTagging",
      "s3:GetObjectVersion",
      "s3:GetObjectVersionTagging",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
      "s3:PutObjectTagging",
    ]
    resources = local.landing_objects
  }

  statement {
    sid       = "LandingKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

# DataSync writes its task logs into the log group through this resource policy.
resource "aws_cloudwatch_log_resource_policy" "datasync" {
  count           = local.files_on ? 1 : 0
  policy_name     = "${var.name}-datasync"
  policy_document = data.aws_iam_policy_document.datasync_logs.json
}

data "aws_iam_policy_document" "datasync_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account}:log-group:/aws/datasync/${var.name}:*"]
    principals {
      type        = "Service"
      identifiers = ["datasync.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = local.datasync_source_arns
    }
  }
}
