variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "region" {
  description = "The AWS region the provider deploys to (the root module's region). Passed in rather than read from data.aws_region, whose attribute is `name` in provider 5.x and `region` in 6.x."
  type        = string
}

variable "ami_id" {
  description = "Worker AMI to run; null picks the newest AMI of this account tagged Name=snapshot-agent (built by make ami)."
  type        = string
  default     = null
}

variable "instance_types" {
  description = "Instance types the fleet may use, first preferred (mixed instances)."
  type        = list(string)
  default     = ["m7i.large", "m6i.large", "m7a.large"]

  validation {
    condition     = length(var.instance_types) >= 1
    error_message = "instance_types needs at least one type."
  }
}

variable "spot" {
  description = "Run everything above on_demand_base on Spot (the agent drains on interruption notices)."
  type        = bool
  default     = false
}

variable "on_demand_base" {
  description = "Instances always on demand, even with spot = true."
  type        = number
  default     = 0
}

variable "max_size" {
  description = "Largest fleet. The fleet's minimum is always 0."
  type        = number
  default     = 10
}

variable "subnet_ids" {
  description = "Private subnets of the fleet."
  type        = list(string)
}

variable "vpc_id" {
  description = "The VPC of those subnets."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (HTTPS to the interface endpoints)."
  type        = string
}

variable "gateway_prefix_lists" {
  description = "Prefix lists of the S3 and DynamoDB gateway endpoints, by service name (static keys: known at plan time)."
  type        = map(string)
}

variable "metrics_port" {
  description = "Port of the agent's /metrics, /healthz and /readyz."
  type        = number
  default     = 9102
}

variable "metrics_cidr_blocks" {
  description = "CIDRs allowed to scrape the agent's metrics port (empty for none)."
  type        = list(string)
  default     = []
}

variable "metrics_security_group_id" {
  description = "Security group (e.g. a Prometheus server's) allowed to scrape the metrics port; null for none."
  type        = string
  default     = null
}

variable "data_source_access" {
  description = "Databases the sql renderer reads: name -> their security group and port (the agent may connect to them)."
  type = map(object({
    security_group_id = string
    port              = number
  }))
  default = {}
}

variable "root_volume_gb" {
  description = "Size of the encrypted gp3 root volume."
  type        = number
  default     = 30
}

variable "kms_key_arn" {
  description = "The platform's KMS key (EBS, queue, bucket, table)."
  type        = string
}

variable "queue_url" {
  description = "URL of the jobs queue."
  type        = string
}

variable "dlq" {
  description = "The jobs queue's dead-letter queue: the agents fail the task of every job that reaches it."
  type = object({
    url = string
    arn = string
  })
}

variable "queue_arn" {
  description = "ARN of the jobs queue."
  type        = string
}

variable "bucket_name" {
  description = "The snapshots bucket."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the snapshots bucket."
  type        = string
}

variable "catalog_uri" {
  description = "s3:// URI of the report catalog."
  type        = string
}

variable "catalog_object_arn" {
  description = "ARN of the catalog object."
  type        = string
}

variable "table_name" {
  description = "The snapshots table."
  type        = string
}

variable "table_arn" {
  description = "ARN of the snapshots table."
  type        = string
}

variable "lease_table_name" {
  description = "The fleet-wide leases table (QuickSight job slots)."
  type        = string
}

variable "lease_table_arn" {
  description = "ARN of the leases table."
  type        = string
}

variable "quicksight" {
  description = "QuickSight snapshots: enabled turns the agents' quicksight renderer on; region is QuickSight's (null: the fleet's); max_jobs and calls_per_second are the account's limits, shared by the whole fleet."
  type = object({
    enabled          = bool
    region           = optional(string)
    max_jobs         = optional(number, 12)
    calls_per_second = optional(number, 10)
  })
  default = { enabled = false }
  validation {
    condition     = var.quicksight.max_jobs >= 1 && var.quicksight.calls_per_second > 0
    error_message = "quicksight.max_jobs must be at least 1 and calls_per_second above 0."
  }
}

variable "state_machine_arn" {
  description = "The state machine whose task tokens the agent answers."
  type        = string
}

variable "agent_settings" {
  description = "Agent settings (SNAPSHOT_* without the prefix, lower case), e.g. { concurrency = 64, drain_seconds = 60 }."
  type        = map(string)
  default     = {}
}

variable "data_sources" {
  description = "The sql renderer's data sources: name -> SQLAlchemy async URL (no password: IAM auth or Secrets Manager)."
  type        = map(string)
  default     = {}
}

variable "drain_seconds" {
  description = "The agent's drain on SIGTERM; the lifecycle hook waits a little longer."
  type        = number
  default     = 120
}

variable "lambda_package" {
  description = "The platform's Lambda zip (path and base64 sha256), from the api module."
  type = object({
    path = string
    hash = string
  })
}

variable "powertools_layer_arn" {
  description = "The Powertools layer the scaler uses, from the api module."
  type        = string
}

variable "agent_metrics_namespace" {
  description = "Namespace the agents' CloudWatch agent publishes into (the scaler reads capacity and busy ratio there)."
  type        = string
  default     = "SnapshotEngine/Agent"
}

variable "scaling" {
  description = "The scaling policy: target busy share of each instance's slots, slots assumed before any agent reports, and the scale-in and to-zero delays."
  type = object({
    target_utilisation        = optional(number, 0.8)
    default_capacity          = optional(number, 16)
    scale_in_delay_seconds    = optional(number, 300)
    scale_in_cooldown_seconds = optional(number, 300)
    idle_to_zero_seconds      = optional(number, 600)
  })
  default = {}
}

variable "log_retention_days" {
  description = "Retention of the scaler's logs."
  type        = number
  default     = 365
}
