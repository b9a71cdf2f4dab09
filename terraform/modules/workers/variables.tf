variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "region" {
  description = "The AWS region the provider deploys to (the root module's region). Passed in rather than read from data.aws_region, whose attribute is `name` in provider 5.x and `region` in 6.x."
  type        = string
}

variable "data_source_access" {
  description = "Databases the sql renderer reads: name -> their security group and port (the agent may connect to them)."
  type = map(object({
    security_group_id = string
    port              = number
  }))
  default = {}
}

variable "kms_key_arn" {
  description = "The platform's KMS key (EBS, queue, bucket, table)."
  type        = string
}

variable "dlq" {
  description = "The jobs queue's dead-letter queue: the agents fail the task of every job that reaches it."
  type = object({
    url = string
    arn = string
  })
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

variable "data_source_secrets" {
  description = "Secrets Manager secret (ARN) per data source that renders connect with (JSON `password`, and `username` if any): a read-only user. The agents read it; it is never in the user data."
  type        = map(string)
  default     = {}
}

variable "load_source_secrets" {
  description = "Secrets Manager secret (ARN) per data source that load jobs connect with: a user that may write. A data source without one loads with its data_source_secrets entry."
  type        = map(string)
  default     = {}
}

variable "browser_secrets" {
  description = "Secrets (names or ARNs) the browser renderer's dashboards sign in with: the catalog's source.auth.secret values (catalog/browser-secrets.json, written by make schedules). The agents may read these and no other."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.browser_secrets : startswith(s, "arn:") || can(regex("^[A-Za-z0-9/_+=.@-]{1,512}$", s))])
    error_message = "Each browser secret is a Secrets Manager secret's name or its ARN."
  }
}

variable "quicksight_grants" {
  description = "The QuickSight dashboards (ids, a * where the catalog fills a placeholder), registered users and embed namespaces the catalog's reports reach (<catalog dir>/quicksight-grants.json, written by make generate): the agents may snapshot and embed those only."
  type = object({
    dashboards = list(string)
    users      = list(string)
    namespaces = list(string)
  })
  default = { dashboards = [], users = [], namespaces = [] }
  validation {
    condition     = alltrue([for d in var.quicksight_grants.dashboards : can(regex("^[A-Za-z0-9_*-]{1,512}$", d))])
    error_message = "quicksight_grants.dashboards are QuickSight dashboard ids ([A-Za-z0-9_-], * for a filled part)."
  }
}

variable "browser_secret_prefix" {
  description = "Also let the agents read every secret whose name starts with this (a catalog kept outside this repository); null grants none."
  type        = string
  default     = null

  validation {
    condition     = var.browser_secret_prefix == null || can(regex("^[A-Za-z0-9/_+=.@-]{3,256}$", var.browser_secret_prefix))
    error_message = "browser_secret_prefix is the start of a secret name of at least 3 characters (no wildcards)."
  }
}

variable "drain_seconds" {
  description = "The agent's drain on SIGTERM; the lifecycle hook waits a little longer."
  type        = number
  default     = 120
}

variable "agent_metrics_namespace" {
  description = "Namespace the agents' CloudWatch agent publishes into (the scaler reads capacity and busy ratio there)."
  type        = string
}

variable "scaling" {
  description = "The scaling policy: target busy share of each instance's slots, slots assumed before any agent reports, and the scale-in and to-zero delays. Unset, scaling/policy.py's default (docs/autoscaling.md's table)."
  type = object({
    target_utilisation        = optional(number)
    default_capacity          = optional(number)
    scale_in_delay_seconds    = optional(number)
    scale_in_cooldown_seconds = optional(number)
    idle_to_zero_seconds      = optional(number)
  })
  default = {}
}

variable "log_retention_days" {
  description = "Retention of the scaler's logs."
  type        = number
  default     = 365
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

variable "lambda_code" {
  description = "The platform's Lambda zip (build/lambdas.zip from make lambdas: path and base64 sha256) and the Powertools layer it runs with."
  type = object({
    package              = object({ path = string, hash = string })
    powertools_layer_arn = string
  })
}

variable "queue" {
  description = "The jobs queue: URL and ARN."
  type = object({
    url = string
    arn = string
  })
}

variable "bucket" {
  description = "The snapshots bucket: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "catalog" {
  description = "The report catalog: its s3:// URI and its object's ARN."
  type = object({
    uri        = string
    object_arn = string
  })
}

variable "table" {
  description = "The snapshots table: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "lease_table" {
  description = "The fleet-wide leases table (the QuickSight job slots): name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "instances" {
  description = "The fleet's instances. ami_id: the worker AMI, null for the newest of this account tagged Name=snapshot-agent (built by make ami). instance_types: first preferred (mixed instances). spot: everything above on_demand_base on Spot (the agent drains on interruption notices). max_size: the largest fleet (its minimum is always 0). root_volume_gb: the encrypted gp3 root volume."
  type = object({
    ami_id         = optional(string)
    instance_types = optional(list(string), ["m7i.large", "m6i.large", "m7a.large"])
    spot           = optional(bool, false)
    on_demand_base = optional(number, 0)
    max_size       = optional(number, 10)
    root_volume_gb = optional(number, 30)
  })
  default = {}

  validation {
    condition     = length(var.instances.instance_types) >= 1
    error_message = "instances.instance_types needs at least one type."
  }
}

variable "metrics" {
  description = "The agent's /metrics, /healthz and /readyz: their port, and who may scrape them: CIDRs (empty for none) and a security group such as a Prometheus server's (null for none)."
  type = object({
    port              = optional(number, 9102)
    cidr_blocks       = optional(list(string), [])
    security_group_id = optional(string)
  })
  default = {}
}

variable "loads" {
  description = "The data half the agents' load jobs work in: the landing bucket, the dataset catalog, the loads ledger (a load waits for the earlier files of its dataset) and the load state machine (whose task tokens they answer)."
  type = object({
    landing_bucket    = object({ name = string, arn = string })
    datasets          = object({ uri = string, object_arn = string })
    ledger            = object({ name = string, arn = string })
    state_machine_arn = string
  })
}
