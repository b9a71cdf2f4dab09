# The whole platform, wired. Environments (environments/dev, environments/prod) call this with
# their own values; each concern is one module under modules/.
locals {
  repo = "${path.module}/../.."
  # Where the AMI's CloudWatch agent publishes the agents' /metrics (contracts/metrics.py).
  agent_metrics_namespace = "SnapshotEngine/Agent"
  # The environment's catalog: reports, datasets, the entitlements seed and what make generate
  # writes from them (Terraform reads no TOML).
  catalog = {
    reports           = "${var.catalog_dir}/reports.toml"
    datasets          = "${var.catalog_dir}/datasets.toml"
    schedules         = jsondecode(file("${var.catalog_dir}/schedules.json"))
    event_streams     = jsondecode(file("${var.catalog_dir}/event-streams.json"))
    browser_secrets   = jsondecode(file("${var.catalog_dir}/browser-secrets.json"))
    quicksight_grants = jsondecode(file("${var.catalog_dir}/quicksight-grants.json"))
    entitlements      = jsondecode(file("${var.catalog_dir}/entitlements.json"))
  }
  # The zip is built by `make lambdas`, reproducibly: the same source gives the same hash, so no
  # spurious change. Every function (the API's and the scaler) runs it with the Powertools layer.
  lambda_code = {
    package = {
      path = "${local.repo}/build/lambdas.zip"
      hash = filebase64sha256("${local.repo}/build/lambdas.zip")
    }
    powertools_layer_arn = data.aws_ssm_parameter.powertools.insecure_value
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
  catalog_path  = local.catalog.reports
  force_destroy = !var.production
}

module "metadata" {
  source              = "../modules/metadata"
  name                = var.name
  kms_key_arn         = module.encryption.key_arn
  deletion_protection = var.production
  entitlements_seed   = local.catalog.entitlements
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
  table                  = module.metadata.table
  queue                  = module.queue.jobs
  kms_key_arn            = module.encryption.key_arn
  job_timeout_seconds    = var.job_timeout_seconds
  render_timeout_seconds = var.render_timeout_seconds
  capacity_wait_seconds  = var.capacity_wait_seconds
  log_retention_days     = var.log_retention_days
  producers              = [module.api.event_producer, module.etl.event_producer]
}

module "api" {
  source             = "../modules/api"
  name               = var.name
  lambda_code        = local.lambda_code
  table              = module.metadata.table
  entitlements_table = module.metadata.entitlements_table
  bucket             = module.storage.bucket
  catalog            = module.storage.catalog
  state_machine_arn  = module.orchestration.state_machine_arn
  event_bus          = module.orchestration.event_bus
  kms_key_arn        = module.encryption.key_arn
  network            = module.network.network
  schedules          = local.catalog.schedules
  openapi_document   = file("${local.repo}/contracts/openapi.json")
  jwt_authorizer     = var.jwt_authorizer
  log_retention_days = var.log_retention_days
  request_sources    = [module.etl.event_producer.source]
}

module "workers" {
  source = "../modules/workers"
  name   = var.name
  region = var.region
  instances = {
    ami_id         = var.ami_id
    instance_types = var.instance_types
    spot           = var.spot
    max_size       = var.max_workers
  }
  network           = module.network.network
  metrics           = { cidr_blocks = var.metrics_cidr_blocks }
  kms_key_arn       = module.encryption.key_arn
  queue             = module.queue.jobs
  dlq               = module.queue.dlq
  bucket            = module.storage.bucket
  catalog           = module.storage.catalog
  table             = module.metadata.table
  lease_table       = module.metadata.lease_table
  quicksight        = var.quicksight_snapshots
  state_machine_arn = module.orchestration.state_machine_arn
  agent_settings    = local.agent_settings
  data_sources      = var.data_sources

  agent_metrics_namespace = local.agent_metrics_namespace
  # The reporting database as a data source named "reporting": renders read as its read-only
  # user, loads write as its loader; the master's secret is the operators' alone.
  data_source_secrets = merge(
    var.reporting_enabled ? { reporting = module.reporting.reader_secret_arn } : {},
    var.data_source_secrets,
  )
  load_source_secrets   = var.reporting_enabled ? { reporting = module.reporting.loader_secret_arn } : {}
  browser_secrets       = local.catalog.browser_secrets
  quicksight_grants     = local.catalog.quicksight_grants
  browser_secret_prefix = var.browser_secret_prefix
  lambda_code           = local.lambda_code
  log_retention_days    = var.log_retention_days
  loads = {
    landing_bucket    = module.etl.landing_bucket
    datasets          = module.etl.datasets
    ledger            = module.etl.ledger_table
    state_machine_arn = module.etl.load_state_machine_arn
  }
  data_source_access = var.reporting_enabled ? {
    reporting = { security_group_id = module.reporting.security_group_id, port = 3306 }
  } : {}
}

module "etl" {
  source                = "../modules/etl"
  name                  = var.name
  kms_key_arn           = module.encryption.key_arn
  asl_path              = "${local.repo}/stepfunctions/load.asl.json"
  datasets_path         = local.catalog.datasets
  catalog_bucket        = module.storage.bucket
  access_logs_bucket    = module.storage.access_logs_bucket
  queue                 = module.queue.jobs
  event_bus             = module.orchestration.event_bus
  lambda_code           = local.lambda_code
  network               = module.network.network
  capacity_wait_seconds = var.capacity_wait_seconds
  load_timeout_seconds  = tonumber(lookup(var.agent_settings, "load_timeout_seconds", "3600"))
  log_retention_days    = var.log_retention_days
  force_destroy         = !var.production
  deletion_protection   = var.production
}

module "reconciler" {
  source                 = "../modules/reconciler"
  name                   = var.name
  table                  = module.metadata.table
  ledger_table           = module.etl.ledger_table
  state_machine_arn      = module.orchestration.state_machine_arn
  load_state_machine_arn = module.etl.load_state_machine_arn
  event_bus              = module.orchestration.event_bus
  job_timeout_seconds    = var.job_timeout_seconds
  lambda_code            = local.lambda_code
  kms_key_arn            = module.encryption.key_arn
  network                = module.network.network
  log_retention_days     = var.log_retention_days
}

module "ingestion" {
  source             = "../modules/ingestion"
  name               = var.name
  kms_key_arn        = module.encryption.key_arn
  landing_bucket     = module.etl.landing_bucket
  streams            = local.catalog.event_streams
  log_retention_days = var.log_retention_days
}

module "reporting" {
  source              = "../modules/reporting"
  name                = var.name
  enabled             = var.reporting_enabled
  quicksight_enabled  = var.quicksight_enabled
  quicksight_role_arn = var.quicksight_role_arn
  report_readers      = var.report_readers
  network             = module.network.network
  clients = merge(
    { agents = module.workers.security_group_id },
    local.migration_tables ? { migration = module.migration[0].dms.security_group_id } : {},
  )
  kms_key_arn = module.encryption.key_arn
  production  = var.production
}

locals {
  migration_tables = try(var.migration.tables, null) != null
}

module "migration" {
  source             = "../modules/migration"
  count              = var.migration == null ? 0 : 1
  name               = var.name
  region             = var.region
  kms_key_arn        = module.encryption.key_arn
  network            = module.network.network
  log_retention_days = var.log_retention_days
  landing_bucket     = module.etl.landing_bucket
  target = var.reporting_enabled ? {
    security_group_id = module.reporting.security_group_id
    database_name     = module.reporting.database_name
  } : null
  tables    = try(var.migration.tables, null)
  files     = try(var.migration.files, null)
  sas_token = var.migration_sas_token
}

module "monitoring" {
  source       = "../modules/monitoring"
  name         = var.name
  region       = var.region
  kms_key_arn  = module.encryption.key_arn
  alarm_emails = var.alarm_emails
  watched = {
    jobs_queue = module.queue.jobs.name
    jobs_dlq   = module.queue.dlq.name
    delivery_dlqs = {
      trigger    = module.api.trigger_dlq_name
      landed     = module.etl.landed_dlq_name
      reconciler = module.reconciler.dlq_name
    }
    state_machine_arn      = module.orchestration.state_machine_arn
    load_state_machine_arn = module.etl.load_state_machine_arn
    functions = merge(module.api.function_names, {
      scaler     = module.workers.scaler_function_name
      landed     = module.etl.landed_function_name
      reconciler = module.reconciler.function_name
    })
    autoscaling_group_name  = module.workers.autoscaling_group_name
    agent_metrics_namespace = local.agent_metrics_namespace
  }
}
