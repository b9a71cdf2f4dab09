module "platform" {
  source               = "../../platform"
  name                 = "snapshot-${var.environment}"
  catalog_dir          = "${path.module}/../../../catalogs/prod"
  region               = var.region
  production           = true
  ami_id               = var.ami_id
  spot                 = var.spot
  max_workers          = var.max_workers
  agent_settings       = var.agent_settings
  metrics_cidr_blocks  = var.metrics_cidr_blocks
  reporting_enabled    = var.reporting_enabled
  alarm_emails         = var.alarm_emails
  quicksight_snapshots = var.quicksight_snapshots
  jwt_authorizer       = var.jwt_authorizer
  migration            = var.migration
  migration_sas_token  = var.migration_sas_token

  browser_secret_prefix = var.browser_secret_prefix
}
