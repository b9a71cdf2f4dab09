variable "region" {
  description = "AWS region of this environment."
  type        = string
}

variable "account_id" {
  description = "The only AWS account this environment may be applied to."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "environment" {
  description = "Environment name, used in resource names and tags."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses that receive the platform's alarms."
  type        = list(string)
  default     = []
}

variable "ami_id" {
  description = "Pinned worker AMI; null runs the newest one built by make ami."
  type        = string
  default     = null
}

variable "max_workers" {
  description = "Largest worker fleet."
  type        = number
}

variable "spot" {
  description = "Workers above the on-demand base on Spot."
  type        = bool
}

variable "agent_settings" {
  description = "Agent settings (SNAPSHOT_* without prefix, lower case)."
  type        = map(string)
  default     = {}
}

variable "metrics_cidr_blocks" {
  description = "CIDRs allowed to scrape the agents' metrics."
  type        = list(string)
  default     = []
}

variable "reporting_enabled" {
  description = "Create the RDS MySQL reporting database."
  type        = bool
  default     = false
}

variable "quicksight_snapshots" {
  description = "Render QuickSight dashboards: { enabled = true } once QuickSight Enterprise is subscribed; region if QuickSight's differs."
  type = object({
    enabled          = bool
    region           = optional(string)
    max_jobs         = optional(number, 12)
    calls_per_second = optional(number, 10)
  })
  default = { enabled = false }
}

variable "jwt_authorizer" {
  description = "Sign people in with an OIDC issuer's tokens instead of SigV4: { issuer = \"https://...\", audience = [\"<app client id>\"] }; null keeps AWS_IAM."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null
}

variable "migration" {
  description = "The move off Azure (see docs/migration.md): null creates nothing; { tables = {...}, files = {...} } creates DMS for the tables and DataSync for the files (modules/migration's variables say what each takes)."
  type        = any
  default     = null
}

variable "migration_sas_token" {
  description = "SAS token (read, list) of migration.files.container_url when it is not in Secrets Manager. Set TF_VAR_migration_sas_token for the run; never write it in tfvars."
  type        = string
  default     = null
  sensitive   = true
}

variable "browser_secret_prefix" {
  description = "Let the agents read every Secrets Manager secret whose name starts with this, beyond those the catalog's browser reports name; null grants none."
  type        = string
  default     = null
}

variable "catalog_dir" {
  description = "This environment's catalog, from the repository's root: catalogs/dev (the local environment, dev's configuration on the sandbox, names sandbox/catalog)."
  type        = string
  default     = "catalogs/dev"
}
