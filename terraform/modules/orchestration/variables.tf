variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "asl_path" {
  description = "Path of the ASL template (stepfunctions/snapshot.asl.json)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the queue and the logs."
  type        = string
}

variable "job_timeout_seconds" {
  description = "The job budget, Render's TimeoutSeconds: from the moment the job is queued until an agent reports it, waiting for capacity included. Spent, the snapshot fails with a cause and is not retried. There is no HeartbeatSeconds: nobody can heartbeat a job no agent has picked up; a picked-up job's liveness is its SQS visibility, which the agent extends."
  type        = number
  default     = 21600

  validation {
    condition     = var.job_timeout_seconds >= 60 && var.job_timeout_seconds <= 31536000
    error_message = "job_timeout_seconds must be between 60 and 31536000 (a year)."
  }
}

variable "render_timeout_seconds" {
  description = "The agents' render timeout (from admission, the renderer only); the job budget must cover it plus the capacity wait."
  type        = number
  default     = 900
}

variable "capacity_wait_seconds" {
  description = "The longest a job is expected to wait in the queue for a worker (scale-out from zero, a burst beyond the fleet's maximum); the job budget must cover it plus a render."
  type        = number
  default     = 14400
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

variable "table" {
  description = "The snapshots table: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "queue" {
  description = "The jobs queue: URL and ARN."
  type = object({
    url = string
    arn = string
  })
}

variable "producers" {
  description = "The event sources that request snapshots (the schedules', the load state machine's), each with the one role allowed to put events with it on the bus."
  type = list(object({
    source   = string
    role_arn = string
  }))
  validation {
    condition     = length(var.producers) == length(distinct([for p in var.producers : p.source]))
    error_message = "each producer source appears once."
  }
}
