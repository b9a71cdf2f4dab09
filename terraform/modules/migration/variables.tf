variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform's KMS key: DMS storage and endpoints, the logs, and the landing bucket DataSync writes to."
  type        = string
}

variable "network" {
  description = "Where DMS runs: the VPC, its CIDR (the interface endpoints' addresses), its private subnets, and the gateway endpoints' prefix lists by service."
  type = object({
    vpc_id               = string
    vpc_cidr             = string
    subnet_ids           = list(string)
    gateway_prefix_lists = map(string)
  })
}

variable "log_retention_days" {
  description = "Retention of the DataSync task logs."
  type        = number
}

variable "target" {
  description = "The platform's RDS MySQL that DMS writes to (the reporting database): its security group and database; null when the reporting database is off."
  type = object({
    security_group_id = string
    database_name     = string
  })
  default = null
}

variable "landing_bucket" {
  description = "The landing bucket DataSync writes into: each file it copies starts a load, as any landed file does."
  type        = object({ name = string, arn = string })
}

variable "tables" {
  description = <<-EOT
    Tables: one DMS Serverless replication from the Azure database into the reporting database, or null.
    source.kind decides the engine and what DMS can do: "azure_sql_database" (engine azuredb) can only be
    copied with replication_type "full-load", because DMS cannot read changes from Azure SQL Database (no
    MS-CDC or MS-Replication reader there); "azure_sql_managed_instance" and "sql_server_vm" (engine
    sqlserver) can run "full-load-and-cdc", which keeps the copy current until the cutover.
    source.secret_arn and target_secret_arn name Secrets Manager secrets holding username, password, host
    and port (an RDS-managed master secret has no host and port, so DMS cannot use it).
    schemas is the declaration the table mappings are generated from: per source schema, the table
    patterns (DMS wildcards, % and _) to include and to exclude. Every schema lands in the reporting
    database, as migrate schema writes them.
  EOT
  type = object({
    source = object({
      kind          = string
      server_name   = string
      port          = optional(number, 1433)
      database_name = string
      secret_arn    = string
      cidr_blocks   = list(string)
    })
    target_secret_arn           = string
    secret_kms_key_arns         = optional(list(string), [])
    replication_type            = string
    schemas                     = map(object({ include = optional(list(string), ["%"]), exclude = optional(list(string), []) }))
    min_capacity_units          = optional(number, 2)
    max_capacity_units          = optional(number, 16)
    lob_max_size_kb             = optional(number, 1024)
    start_replication           = optional(bool, false)
    create_account_roles        = optional(bool, true)
    source_connection_attribute = optional(string, null)
  })
  default = null

  validation {
    condition     = var.tables == null || contains(["azure_sql_database", "azure_sql_managed_instance", "sql_server_vm"], try(var.tables.source.kind, ""))
    error_message = "tables.source.kind must be azure_sql_database, azure_sql_managed_instance or sql_server_vm."
  }

  validation {
    condition     = var.tables == null || contains(["full-load", "full-load-and-cdc", "cdc"], try(var.tables.replication_type, ""))
    error_message = "tables.replication_type must be full-load, full-load-and-cdc or cdc."
  }

  validation {
    condition     = var.tables == null || try(var.tables.source.kind != "azure_sql_database" || var.tables.replication_type == "full-load", false)
    error_message = "DMS cannot read changes from Azure SQL Database: its replication_type must be full-load (stop writes, copy, verify, switch over)."
  }

  validation {
    condition     = var.tables == null || try(length(var.tables.schemas) > 0 && alltrue([for s in values(var.tables.schemas) : length(s.include) > 0]), false)
    error_message = "tables.schemas must name at least one schema, each with at least one include pattern."
  }

  validation {
    condition     = var.tables == null || try(var.tables.min_capacity_units <= var.tables.max_capacity_units && contains([1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384], var.tables.max_capacity_units), false)
    error_message = "tables.max_capacity_units must be one of DMS's DCU sizes (1, 2, 4 ... 384) and at least min_capacity_units."
  }
}

variable "files" {
  description = <<-EOT
    Files: DataSync from an Azure Blob container (ADLS Gen2 is read through its Blob endpoint) into the
    landing bucket, through a DataSync agent running next to the storage account, or null.
    The SAS token (read and list on the container) is never written in tfvars: give sas_token_secret_arn
    (a Secrets Manager secret whose value is the token) or the sensitive variable migration_sas_token.
    transfers maps a name to a source folder of the container, the landing prefix of a dataset of
    catalog/datasets.toml, and include patterns (DataSync simple patterns such as *.csv).
  EOT
  type = object({
    agent = object({
      activation_key = optional(string)
      ip_address     = optional(string)
    })
    container_url        = string
    sas_token_secret_arn = optional(string)
    access_tier          = optional(string, "HOT")
    verify_mode          = optional(string, "ONLY_FILES_TRANSFERRED")
    bytes_per_second     = optional(number, -1)
    transfers = map(object({
      source_folder  = string
      landing_prefix = string
      includes       = optional(list(string), ["*.csv", "*.csv.gz", "*.parquet", "*.jsonl", "*.jsonl.gz"])
      schedule       = optional(string)
    }))
  })
  default = null

  validation {
    condition     = var.files == null || try((var.files.agent.activation_key == null) != (var.files.agent.ip_address == null), false)
    error_message = "files.agent needs exactly one of activation_key and ip_address."
  }

  validation {
    condition     = var.files == null || can(regex("^https://[a-z0-9]{3,24}\\.blob\\.core\\.windows\\.net/[a-z0-9-]{3,63}$", var.files.container_url))
    error_message = "files.container_url must be https://<account>.blob.core.windows.net/<container>."
  }

  validation {
    condition     = var.files == null || contains(["ONLY_FILES_TRANSFERRED", "POINT_IN_TIME_CONSISTENT"], try(var.files.verify_mode, ""))
    error_message = "files.verify_mode must be ONLY_FILES_TRANSFERRED or POINT_IN_TIME_CONSISTENT: a copy is always verified."
  }

  validation {
    condition = var.files == null || try(length(var.files.transfers) > 0 && alltrue([
      for t in values(var.files.transfers) : startswith(t.source_folder, "/") && can(regex("^[a-z0-9_-]+/$", t.landing_prefix)) && length(t.includes) > 0
    ]), false)
    error_message = "files.transfers: each source_folder starts with /, each landing_prefix is a dataset's prefix such as sales/, and includes is not empty."
  }
}

variable "sas_token" {
  description = "The SAS token of files.container_url when it is not in Secrets Manager (TF_VAR_migration_sas_token in the environment, never in tfvars)."
  type        = string
  default     = null
  sensitive   = true
}

variable "region" {
  description = "The AWS region the provider deploys to (DMS's regional service principal)."
  type        = string
}
