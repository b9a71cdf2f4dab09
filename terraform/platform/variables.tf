variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "region" {
  description = "The region the provider deploys to. Modules take it as an input instead of reading data.aws_region, whose attribute is `name` in provider 5.x and `region` in 6.x."
  type        = string
}

variable "production" {
  description = "Production safeguards: deletion protection, Multi-AZ database, no force-destroy of buckets."
  type        = bool
}

variable "existing_vpc" {
  description = "Run in this VPC instead of creating one (see modules/network)."
  type = object({
    vpc_id          = string
    cidr_block      = string
    subnet_ids      = list(string)
    route_table_ids = list(string)
  })
  default = null
}

variable "ami_id" {
  description = "Pinned worker AMI; null runs the newest AMI built by make ami."
  type        = string
  default     = null
}

variable "instance_types" {
  description = "Worker instance types, first preferred."
  type        = list(string)
  default     = ["m7i.large", "m6i.large", "m7a.large"]
}

variable "spot" {
  description = "Run workers above the on-demand base on Spot."
  type        = bool
  default     = false
}

variable "max_workers" {
  description = "Largest worker fleet."
  type        = number
  default     = 10
}

variable "agent_settings" {
  description = "Agent settings (SNAPSHOT_* without prefix, lower case), e.g. { concurrency = \"64\" }."
  type        = map(string)
  default     = {}
}

variable "data_sources" {
  description = "The sql renderer's data sources: name -> SQLAlchemy async URL."
  type        = map(string)
  default     = {}
}

variable "data_source_secrets" {
  description = "Secrets Manager secret (ARN) per data source whose password it holds; the reporting database's managed secret is added for a data source named \"reporting\"."
  type        = map(string)
  default     = {}
}

variable "catalog_dir" {
  description = "The environment's catalog directory (catalogs/<env>, or sandbox/catalog for local): reports.toml, datasets.toml, entitlements.toml and the files make generate writes beside them."
  type        = string
  validation {
    condition     = fileexists("${var.catalog_dir}/reports.toml") && fileexists("${var.catalog_dir}/schedules.json")
    error_message = "catalog_dir must hold reports.toml and the files make generate writes (run make generate)."
  }
}

variable "browser_secret_prefix" {
  description = "Let the agents read every secret whose name starts with this, beyond those the catalog names (<catalog dir>/browser-secrets.json); null grants none."
  type        = string
  default     = null
}

variable "metrics_cidr_blocks" {
  description = "CIDRs allowed to scrape the agents' metrics port."
  type        = list(string)
  default     = []
}

variable "render_timeout_seconds" {
  description = "Longest render: the agents' render timeout, from admission, the renderer only (Render.Timeout, retried once)."
  type        = number
  default     = 900
}

variable "job_timeout_seconds" {
  description = "The job budget: queued to reported, waiting for capacity included (the state machine's Render TimeoutSeconds). Must cover render_timeout_seconds + capacity_wait_seconds."
  type        = number
  default     = 21600
}

variable "capacity_wait_seconds" {
  description = "The longest a job is expected to wait for a worker (scale-out from zero, bursts beyond max_workers)."
  type        = number
  default     = 14400
}

variable "reporting_enabled" {
  description = "Create the RDS MySQL reporting database."
  type        = bool
  default     = false
}

variable "quicksight_enabled" {
  description = "Register the reporting database in QuickSight over a VPC connection."
  type        = bool
  default     = false
}

variable "quicksight_snapshots" {
  description = "Render QuickSight dashboards (the agents' quicksight renderer and embed URLs): enabled, QuickSight's region (null: the platform's), and the account's snapshot-job limits the fleet shares."
  type = object({
    enabled          = bool
    region           = optional(string)
    max_jobs         = optional(number, 12)
    calls_per_second = optional(number, 10)
  })
  default = { enabled = false }
}

variable "report_readers" {
  description = "QuickSight group ARNs that may read the reports migrated from Power BI (the reporting module's migrated_reports.tf.json)."
  type        = list(string)
  default     = []
}

variable "quicksight_role_arn" {
  description = "Role of QuickSight's VPC connection (when quicksight_enabled)."
  type        = string
  default     = null
}

variable "alarm_emails" {
  description = "Addresses that receive the platform's alarms."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of every log group of the platform."
  type        = number
  default     = 365
}

variable "jwt_authorizer" {
  description = "An OIDC issuer and audiences for a JWT authorizer on every route instead of AWS_IAM (see modules/api); null keeps SigV4."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null
}

variable "migration" {
  description = "The move off Azure: null (the default) creates nothing; an object with tables and/or files turns on modules/migration (DMS and DataSync), typed and validated there."
  type        = any
  default     = null
}

variable "migration_sas_token" {
  description = "SAS token of migration.files.container_url, when it is not in Secrets Manager."
  type        = string
  default     = null
  sensitive   = true
}
