variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "asl_path" {
  description = "Path of the ASL template (stepfunctions/snapshot.asl.json)."
  type        = string
}

variable "table_name" {
  description = "The snapshots table the state machine updates."
  type        = string
}

variable "table_arn" {
  description = "ARN of the snapshots table."
  type        = string
}

variable "queue_url" {
  description = "URL of the jobs queue the Render state sends to."
  type        = string
}

variable "queue_arn" {
  description = "ARN of the jobs queue."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the queue and the logs."
  type        = string
}

variable "heartbeat_seconds" {
  description = "Render's HeartbeatSeconds: an agent that stops heartbeating for this long is presumed dead."
  type        = number
  default     = 120
}

variable "render_timeout_seconds" {
  description = "Render's TimeoutSeconds: the longest a render may take, retries excluded."
  type        = number
  default     = 900
}

variable "retry_interval_seconds" {
  description = "First retry delay of a transient render failure (doubles each time)."
  type        = number
  default     = 30
}

variable "retry_max_attempts" {
  description = "Retries of a transient render failure."
  type        = number
  default     = 3
}

variable "log_retention_days" {
  description = "Retention of the state machine's execution logs."
  type        = number
  default     = 365
}
