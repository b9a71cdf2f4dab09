variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform's KMS key: the landing bucket, the ledger, the logs and the dead-letter queue."
  type        = string
}

variable "asl_path" {
  description = "Path of the load state machine's ASL template (stepfunctions/load.asl.json)."
  type        = string
}

variable "datasets_path" {
  description = "Local path of the dataset catalog (TOML), uploaded beside the report catalog."
  type        = string
}

variable "catalog_bucket" {
  description = "The bucket holding the catalogs (the snapshots bucket): name and ARN."
  type        = object({ name = string, arn = string })
}

variable "access_logs_bucket" {
  description = "Name of the platform's S3 access-log bucket."
  type        = string
}

variable "queue" {
  description = "The jobs queue the agents read: load jobs go there beside renders."
  type        = object({ url = string, arn = string })
}

variable "event_bus" {
  description = "The platform's bus, where Data Landed and Load Failed are announced."
  type        = object({ name = string, arn = string })
}

variable "lambda_code" {
  description = "The platform's Lambda zip (build/lambdas.zip from make lambdas: path and base64 sha256) and the Powertools layer it runs with."
  type = object({
    package              = object({ path = string, hash = string })
    powertools_layer_arn = string
  })
}

variable "network" {
  description = "Where the landed function runs: the VPC, its CIDR, its private subnets, and the gateway endpoints' prefix lists by service."
  type = object({
    vpc_id               = string
    vpc_cidr             = string
    subnet_ids           = list(string)
    gateway_prefix_lists = map(string)
  })
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the landed function (a burst of landed files queues in EventBridge's retries beyond it)."
  type        = number
  default     = 10
}

variable "load_job_timeout_seconds" {
  description = "The load budget, Load's TimeoutSeconds: from the moment the load job is queued until an agent reports it, waiting for capacity and the dataset's lease included."
  type        = number
  default     = 21600

  validation {
    condition     = var.load_job_timeout_seconds >= 60 && var.load_job_timeout_seconds <= 31536000
    error_message = "load_job_timeout_seconds must be between 60 and 31536000 (a year)."
  }
}

variable "load_timeout_seconds" {
  description = "The agents' load timeout (SNAPSHOT_LOAD_TIMEOUT_SECONDS, from the dataset's lease on); the load budget must cover it plus the capacity wait."
  type        = number
  default     = 3600
}

variable "capacity_wait_seconds" {
  description = "The longest a job is expected to wait in the queue for a worker."
  type        = number
  default     = 14400
}

variable "retry_interval_seconds" {
  description = "First retry delay of a transient load failure (doubles each time)."
  type        = number
  default     = 30
}

variable "retry_max_attempts" {
  description = "Retries of a transient load failure."
  type        = number
  default     = 3
}

variable "queued_interval_seconds" {
  description = "How often a load queued behind an earlier file of its dataset asks again (Load.Queued's retry interval, no backoff)."
  type        = number
  default     = 20

  validation {
    condition     = var.queued_interval_seconds >= 1 && var.queued_interval_seconds <= 3600
    error_message = "queued_interval_seconds must be between 1 and 3600."
  }
}

variable "queued_max_attempts" {
  description = "How many times a queued load asks again before it fails: interval x attempts is the longest a file waits for the earlier files of its dataset."
  type        = number
  default     = 180

  validation {
    condition     = var.queued_max_attempts >= 1 && var.queued_max_attempts <= 99999999
    error_message = "queued_max_attempts must be between 1 and 99999999 (the ASL limit)."
  }
}

variable "landing_days" {
  description = "Days a landed file is kept after it lands (for replays and audits)."
  type        = number
  default     = 90
}

variable "rejects_days" {
  description = "Days a load's rejects file is kept."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Retention of the state machine's and the function's logs."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Let terraform destroy delete a non-empty landing bucket (dev only)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the ledger table from deletion (production)."
  type        = bool
  default     = true
}
