# DMS Serverless fills the tables migrate schema created in the reporting database; its own
# validation runs beside the copy.
resource "aws_dms_replication_subnet_group" "this" {
  count                                = local.tables_on ? 1 : 0
  replication_subnet_group_id          = "${var.name}-migration"
  replication_subnet_group_description = "${var.name}: where DMS Serverless runs"
  subnet_ids                           = var.network.subnet_ids
  depends_on                           = [aws_iam_role_policy_attachment.dms_account]
}

resource "aws_security_group" "dms" {
  count       = local.tables_on ? 1 : 0
  name        = "${var.name}-migration-dms"
  description = "DMS: SQL Server from the Azure source, MySQL to the reporting database, HTTPS to the VPC endpoints"
  vpc_id      = var.network.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "dms_source" {
  for_each          = local.tables_on ? toset(var.tables.source.cidr_blocks) : toset([])
  security_group_id = aws_security_group.dms[0].id
  description       = "SQL Server on the Azure side (over the VPN or Direct Connect)"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.tables.source.port
  to_port           = var.tables.source.port
}

# Without the reporting database the group is null here; the target endpoint's precondition
# stops the plan with the reason.
resource "aws_vpc_security_group_egress_rule" "dms_target" {
  count                        = local.tables_on ? 1 : 0
  security_group_id            = aws_security_group.dms[0].id
  description                  = "MySQL on the reporting database"
  referenced_security_group_id = try(var.target.security_group_id, null)
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_egress_rule" "dms_endpoints" {
  count             = local.tables_on ? 1 : 0
  security_group_id = aws_security_group.dms[0].id
  description       = "HTTPS to Secrets Manager and KMS through the VPC's interface endpoints"
  cidr_ipv4         = var.network.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_dms_endpoint" "source" {
  count                           = local.tables_on ? 1 : 0
  endpoint_id                     = "${var.name}-azure-source"
  endpoint_type                   = "source"
  engine_name                     = local.engines[var.tables.source.kind]
  database_name                   = var.tables.source.database_name
  secrets_manager_arn             = var.tables.source.secret_arn
  secrets_manager_access_role_arn = aws_iam_role.dms_secrets[0].arn
  extra_connection_attributes     = var.tables.source_connection_attribute
  ssl_mode                        = "require"
  kms_key_arn                     = var.kms_key_arn
}

resource "aws_dms_endpoint" "target" {
  count                           = local.tables_on ? 1 : 0
  endpoint_id                     = "${var.name}-reporting-target"
  endpoint_type                   = "target"
  engine_name                     = "mysql"
  database_name                   = try(var.target.database_name, null)
  secrets_manager_arn             = var.tables.target_secret_arn
  secrets_manager_access_role_arn = aws_iam_role.dms_secrets[0].arn
  # Rows arrive table by table in parallel; the foreign keys migrate schema wrote hold once all are in.
  extra_connection_attributes = "Initstmt=SET FOREIGN_KEY_CHECKS=0"
  ssl_mode                    = "require"
  kms_key_arn                 = var.kms_key_arn

  lifecycle {
    precondition {
      condition     = var.target != null
      error_message = "The tables migration writes to the reporting database: turn reporting_enabled on."
    }
  }
}

resource "aws_dms_replication_config" "this" {
  count                         = local.tables_on ? 1 : 0
  replication_config_identifier = "${var.name}-azure-sql"
  resource_identifier           = "${var.name}-azure-sql"
  replication_type              = var.tables.replication_type
  source_endpoint_arn           = aws_dms_endpoint.source[0].endpoint_arn
  target_endpoint_arn           = aws_dms_endpoint.target[0].endpoint_arn
  table_mappings                = local.table_mappings
  replication_settings          = local.replication_settings
  start_replication             = var.tables.start_replication

  compute_config {
    replication_subnet_group_id = aws_dms_replication_subnet_group.this[0].replication_subnet_group_id
    vpc_security_group_ids      = [aws_security_group.dms[0].id]
    min_capacity_units          = var.tables.min_capacity_units
    max_capacity_units          = var.tables.max_capacity_units
    kms_key_id                  = var.kms_key_arn
    multi_az                    = false
  }
}
