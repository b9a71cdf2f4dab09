# The move off Azure. Tables: DMS Serverless copies the Azure database into the reporting
# database (dms.tf, dms_settings.tf). Files: DataSync copies folders of an Azure Blob container
# into the landing bucket (datasync.tf). The roles both act as are in iam.tf. Each part is off
# until its variable is set; migrate verify then checks the copy independently of both services.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  # What DataSync acts for, in its role's trust and its log group's policy alike.
  datasync_source_arns = ["arn:${local.partition}:datasync:${var.region}:${local.account}:*"]

  tables_on = var.tables != null
  engines = {
    azure_sql_database         = "azuredb"
    azure_sql_managed_instance = "sqlserver"
    sql_server_vm              = "sqlserver"
  }

  files_on  = var.files != null
  transfers = local.files_on ? var.files.transfers : {}
  sas_token = var.sas_token != null ? var.sas_token : one(data.aws_secretsmanager_secret_version.sas[*].secret_string)
  # DataSync writes only under the landing prefixes of the declared transfers.
  landing_objects = [for t in values(local.transfers) : "${var.landing_bucket.arn}/${t.landing_prefix}*"]
}
