variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "table" {
  description = "The snapshots table (with its in-progress index): name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "ledger_table" {
  description = "The loads ledger: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "state_machine_arn" {
  description = "The snapshot state machine: its PENDING items are started, its ended executions' items failed."
  type        = string
}

variable "load_state_machine_arn" {
  description = "The load state machine: its ended executions' ledger items are failed."
  type        = string
}

variable "event_bus" {
  description = "The platform's event bus, where Snapshot Failed and Load Failed are announced: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "job_timeout_seconds" {
  description = "The job budget: an item QUEUED or RENDERING longer than this has its execution asked whether it ended."
  type        = number
}

variable "sweep_minutes" {
  description = "How often the sweep runs (lambdas/settings.py SWEEP_SECONDS)."
  type        = number
  default     = 5

  validation {
    condition     = var.sweep_minutes >= 2 && floor(var.sweep_minutes) == var.sweep_minutes
    error_message = "sweep_minutes must be a whole number of minutes, at least 2."
  }
}

variable "lambda_code" {
  description = "The platform's Lambda zip (build/lambdas.zip from make lambdas: path and base64 sha256) and the Powertools layer it runs with."
  type = object({
    package              = object({ path = string, hash = string })
    powertools_layer_arn = string
  })
}

variable "kms_key_arn" {
  description = "The platform's KMS key: the function's environment and logs, the table and the dead-letter queue."
  type        = string
}

variable "network" {
  description = "Where it runs: the VPC, its CIDR (HTTPS to the interface endpoints), its private subnets, and the S3 and DynamoDB gateway endpoints' prefix lists by service (static keys: known at plan time)."
  type = object({
    vpc_id               = string
    vpc_cidr             = string
    subnet_ids           = list(string)
    gateway_prefix_lists = map(string)
  })
}

variable "log_retention_days" {
  description = "Retention of the function's logs."
  type        = number
  default     = 365
}
