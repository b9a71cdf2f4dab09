# DataSync copies each transfer's folder into its landing prefix. Every object it writes raises
# S3's "Object Created", so each file is loaded like any other that lands.
data "aws_secretsmanager_secret_version" "sas" {
  count     = local.files_on && try(var.files.sas_token_secret_arn, null) != null ? 1 : 0
  secret_id = var.files.sas_token_secret_arn
}

resource "aws_datasync_agent" "azure" {
  count          = local.files_on ? 1 : 0
  name           = "${var.name}-azure"
  activation_key = var.files.agent.activation_key
  ip_address     = var.files.agent.ip_address
}

resource "aws_datasync_location_azure_blob" "source" {
  for_each            = local.transfers
  agent_arns          = [aws_datasync_agent.azure[0].arn]
  container_url       = var.files.container_url
  subdirectory        = each.value.source_folder
  authentication_type = "SAS"
  access_tier         = var.files.access_tier
  blob_type           = "BLOCK"

  sas_configuration {
    token = local.sas_token
  }

  lifecycle {
    precondition {
      condition     = (var.sas_token == null) != (try(var.files.sas_token_secret_arn, null) == null)
      error_message = "Give the SAS token once: files.sas_token_secret_arn or the sensitive variable migration_sas_token, not both and not neither."
    }
  }
}

resource "aws_datasync_location_s3" "landing" {
  for_each         = local.transfers
  s3_bucket_arn    = var.landing_bucket.arn
  subdirectory     = "/${each.value.landing_prefix}"
  s3_storage_class = "STANDARD"

  s3_config {
    bucket_access_role_arn = aws_iam_role.datasync[0].arn
  }
}

resource "aws_datasync_task" "transfer" {
  for_each                 = local.transfers
  name                     = "${var.name}-${each.key}"
  source_location_arn      = aws_datasync_location_azure_blob.source[each.key].arn
  destination_location_arn = aws_datasync_location_s3.landing[each.key].arn
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.datasync[0].arn

  includes {
    filter_type = "SIMPLE_PATTERN"
    value       = join("|", each.value.includes)
  }

  options {
    verify_mode    = var.files.verify_mode
    transfer_mode  = "CHANGED"
    overwrite_mode = "ALWAYS"
    # The landing bucket keeps what was loaded: a file deleted in Azure is not deleted here.
    preserve_deleted_files = "PRESERVE"
    posix_permissions      = "NONE"
    uid                    = "NONE"
    gid                    = "NONE"
    log_level              = "TRANSFER"
    task_queueing          = "ENABLED"
    bytes_per_second       = var.files.bytes_per_second
  }

  dynamic "schedule" {
    for_each = each.value.schedule == null ? [] : [each.value.schedule]
    content {
      schedule_expression = schedule.value
    }
  }
}

resource "aws_cloudwatch_log_group" "datasync" {
  count             = local.files_on ? 1 : 0
  name              = "/aws/datasync/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}
