locals {
  count = var.enabled ? 1 : 0
}

resource "aws_db_subnet_group" "reporting" {
  count      = local.count
  name       = "${var.name}-reporting"
  subnet_ids = var.network.subnet_ids
}

resource "aws_security_group" "reporting" {
  count       = local.count
  name        = "${var.name}-reporting"
  description = "Reporting database: MySQL from the agents (and QuickSight) only"
  vpc_id      = var.network.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each                     = var.enabled ? var.clients : {}
  security_group_id            = aws_security_group.reporting[0].id
  description                  = "MySQL from the ${each.key}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_db_parameter_group" "reporting" {
  count  = local.count
  name   = "${var.name}-reporting"
  family = "mysql${var.engine_version}"

  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
}

resource "aws_db_instance" "reporting" {
  count                               = local.count
  identifier                          = "${var.name}-reporting"
  engine                              = "mysql"
  engine_version                      = var.engine_version
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage_gb
  max_allocated_storage               = var.max_allocated_storage_gb
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  db_name                             = var.database_name
  username                            = "admin"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = var.kms_key_arn
  iam_database_authentication_enabled = true
  db_subnet_group_name                = aws_db_subnet_group.reporting[0].name
  vpc_security_group_ids              = [aws_security_group.reporting[0].id]
  parameter_group_name                = aws_db_parameter_group.reporting[0].name
  publicly_accessible                 = false
  multi_az                            = var.production
  deletion_protection                 = var.production
  skip_final_snapshot                 = !var.production
  final_snapshot_identifier           = var.production ? "${var.name}-reporting-final" : null
  backup_retention_period             = var.backup_retention_days
  copy_tags_to_snapshot               = true
  auto_minor_version_upgrade          = true
  enabled_cloudwatch_logs_exports     = ["error", "slowquery", "audit"]
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = var.kms_key_arn
  monitoring_interval                 = 60
  monitoring_role_arn                 = aws_iam_role.monitoring[0].arn
}

# The agents never connect as the master: renders read as `reader` (SELECT only), load jobs write
# as `loader`. Each user's password is made here, write-only (never in the state), into its own
# secret; `snapshot-agent database-users` creates the users with those passwords and grants
# (docs/deploying.md: "The reporting database's users").
locals {
  database_users = var.enabled ? { reader = "snapshot_reader", loader = "snapshot_loader" } : {}
}

ephemeral "aws_secretsmanager_random_password" "database_user" {
  for_each            = local.database_users
  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "database_user" {
  # checkov:skip=CKV2_AWS_57: rotating a database user needs a rotation function (alternating users); until one exists, `snapshot-agent database-users` resets both users from new secret values
  for_each                = local.database_users
  name                    = "${var.name}/reporting/${each.key}"
  description             = "${var.name}: the reporting database's ${each.key} (${each.value}); the agents connect with it"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.production ? 30 : 0
}

resource "aws_secretsmanager_secret_version" "database_user" {
  for_each  = local.database_users
  secret_id = aws_secretsmanager_secret.database_user[each.key].id
  secret_string_wo = jsonencode({
    engine   = "mysql"
    username = each.value
    password = ephemeral.aws_secretsmanager_random_password.database_user[each.key].random_password
    dbname   = var.database_name
  })
  secret_string_wo_version = 1
}

resource "aws_iam_role" "monitoring" {
  count              = local.count
  name               = "${var.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

data "aws_partition" "current" {}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count      = local.count
  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# QuickSight reads the database through its own network interfaces in these subnets.
resource "aws_quicksight_vpc_connection" "reporting" {
  count              = var.enabled && var.quicksight_enabled ? 1 : 0
  vpc_connection_id  = "${var.name}-reporting"
  name               = "${var.name}-reporting"
  role_arn           = var.quicksight_role_arn
  subnet_ids         = var.network.subnet_ids
  security_group_ids = [aws_security_group.reporting[0].id]
}

resource "aws_quicksight_data_source" "reporting" {
  count          = var.enabled && var.quicksight_enabled ? 1 : 0
  data_source_id = "${var.name}-reporting"
  name           = "${var.name} reporting"
  type           = "MYSQL"

  parameters {
    mysql {
      host     = aws_db_instance.reporting[0].address
      port     = aws_db_instance.reporting[0].port
      database = var.database_name
    }
  }

  credentials {
    secret_arn = aws_db_instance.reporting[0].master_user_secret[0].secret_arn
  }

  ssl_properties {
    disable_ssl = false
  }

  vpc_connection_properties {
    vpc_connection_arn = aws_quicksight_vpc_connection.reporting[0].arn
  }
}

# Reports converted from Power BI: `migrate reports --terraform migrated_reports.tf.json` writes
# their data sets and dashboards into this folder (docs/migration.md, "Deploying with Terraform");
# they exist while the database is registered in QuickSight and read from its data source.
locals {
  migrated_reports_count           = var.enabled && var.quicksight_enabled ? 1 : 0
  migrated_reports_data_source_arn = one(aws_quicksight_data_source.reporting[*].arn)
}
