# The whole platform, wired. Environments (environments/dev, environments/prod) call this with
# their own values; each concern is one module under modules/.
locals {
  repo = "${path.module}/../.."
  # Built by `make lambdas`, reproducibly: the same source gives the same hash, so no spurious change.
  lambda_package = {
    path = "${local.repo}/build/lambdas.zip"
    hash = filebase64sha256("${local.repo}/build/lambdas.zip")
  }
  # The agents' render timeout is the platform's; they fail a job as poison one receive before
  # the queue would move it to the DLQ. Visibility and heartbeat keep the agent's own defaults.
  agent_settings = merge(
    {
      render_timeout_seconds = tostring(var.render_timeout_seconds)
      max_receives           = tostring(module.queue.max_receive_count - 1)
    },
    var.agent_settings,
  )
}

# Powertools publishes its layer ARNs as public SSM parameters, per region and version; the version
# is uv.lock's, written by `make lambdas`.
data "aws_ssm_parameter" "powertools" {
  name = "/aws/service/powertools/python/x86_64/python3.11/${trimspace(file("${local.repo}/build/powertools-version"))}"
}

module "encryption" {
  source = "../modules/encryption"
  name   = var.name
  region = var.region
}

module "network" {
  source                  = "../modules/network"
  name                    = var.name
  region                  = var.region
  existing_vpc            = var.existing_vpc
  kms_key_arn             = module.encryption.key_arn
  flow_log_retention_days = var.log_retention_days
}

module "storage" {
  source        = "../modules/storage"
  name          = var.name
  kms_key_arn   = module.encryption.key_arn
  catalog_path  = "${local.repo}/catalog/reports.toml"
  force_destroy = !var.production
}

module "metadata" {
  source              = "../modules/metadata"
  name                = var.name
  kms_key_arn         = module.encryption.key_arn
  deletion_protection = var.production
}

module "queue" {
  source                 = "../modules/queue"
  name                   = var.name
  kms_key_arn            = module.encryption.key_arn
  render_timeout_seconds = var.render_timeout_seconds
}

module "orchestration" {
  source                 = "../modules/orchestration"
  name                   = var.name
  asl_path               = "${local.repo}/stepfunctions/snapshot.asl.json"
  table_name             = module.metadata.table_name
  table_arn              = module.metadata.table_arn
  queue_url              = module.queue.queue_url
  queue_arn              = module.queue.queue_arn
  kms_key_arn            = module.encryption.key_arn
  job_timeout_seconds    = var.job_timeout_seconds
  render_timeout_seconds = var.render_timeout_seconds
  capacity_wait_seconds  = var.capacity_wait_seconds
  log_retention_days     = var.log_retention_days
}

module "api" {
  source               = "../modules/api"
  name                 = var.name
  lambda_package       = local.lambda_package
  powertools_layer_arn = data.aws_ssm_parameter.powertools.insecure_value
  table_name           = module.metadata.table_name
  table_arn            = module.metadata.table_arn
  bucket_name          = module.storage.bucket_name
  bucket_arn           = module.storage.bucket_arn
  catalog_uri          = module.storage.catalog_uri
  catalog_object_arn   = module.storage.catalog_object_arn
  state_machine_arn    = module.orchestration.state_machine_arn
  event_bus_name       = module.orchestration.event_bus_name
  event_bus_arn        = module.orchestration.event_bus_arn
  kms_key_arn          = module.encryption.key_arn
  subnet_ids           = module.network.private_subnet_ids
  vpc_id               = module.network.vpc_id
  vpc_cidr             = module.network.vpc_cidr
  gateway_prefix_lists = module.network.gateway_prefix_lists
  schedules            = jsondecode(file("${local.repo}/catalog/schedules.json"))
  log_retention_days   = var.log_retention_days
}

module "workers" {
  source               = "../modules/workers"
  name                 = var.name
  region               = var.region
  ami_id               = var.ami_id
  instance_types       = var.instance_types
  spot                 = var.spot
  max_size             = var.max_workers
  subnet_ids           = module.network.private_subnet_ids
  vpc_id               = module.network.vpc_id
  vpc_cidr             = module.network.vpc_cidr
  gateway_prefix_lists = module.network.gateway_prefix_lists
  metrics_cidr_blocks  = var.metrics_cidr_blocks
  kms_key_arn          = module.encryption.key_arn
  queue_url            = module.queue.queue_url
  queue_arn            = module.queue.queue_arn
  dlq                  = { url = module.queue.dlq_url, arn = module.queue.dlq_arn }
  bucket_name          = module.storage.bucket_name
  bucket_arn           = module.storage.bucket_arn
  catalog_uri          = module.storage.catalog_uri
  catalog_object_arn   = module.storage.catalog_object_arn
  table_name           = module.metadata.table_name
  table_arn            = module.metadata.table_arn
  lease_table_name     = module.metadata.lease_table_name
  lease_table_arn      = module.metadata.lease_table_arn
  quicksight           = var.quicksight_snapshots
  state_machine_arn    = module.orchestration.state_machine_arn
  agent_settings       = local.agent_settings
  data_sources         = var.data_sources
  lambda_package       = local.lambda_package
  powertools_layer_arn = data.aws_ssm_parameter.powertools.insecure_value
  log_retention_days   = var.log_retention_days
  data_source_access = var.reporting_enabled ? {
    reporting = { security_group_id = module.reporting.security_group_id, port = 3306 }
  } : {}
}

module "reporting" {
  source              = "../modules/reporting"
  name                = var.name
  enabled             = var.reporting_enabled
  quicksight_enabled  = var.quicksight_enabled
  quicksight_role_arn = var.quicksight_role_arn
  subnet_ids          = module.network.private_subnet_ids
  vpc_id              = module.network.vpc_id
  clients             = { agents = module.workers.security_group_id }
  kms_key_arn         = module.encryption.key_arn
  production          = var.production
}

module "monitoring" {
  source                 = "../modules/monitoring"
  name                   = var.name
  region                 = var.region
  kms_key_arn            = module.encryption.key_arn
  alarm_emails           = var.alarm_emails
  queue_name             = module.queue.queue_name
  dlq_name               = module.queue.dlq_name
  trigger_dlq_name       = module.api.trigger_dlq_name
  state_machine_arn      = module.orchestration.state_machine_arn
  function_names         = module.api.function_names
  autoscaling_group_name = module.workers.autoscaling_group_name
  scaler_function_name   = module.workers.scaler_function_name
}
