variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the queues."
  type        = string
}

variable "render_timeout_seconds" {
  description = "The state machine's Render timeout; the queue's default visibility is kept above it, so a consumer that does not heartbeat never sees a job twice while it may still run."
  type        = number

  validation {
    condition     = var.render_timeout_seconds >= 60 && var.render_timeout_seconds <= 43000
    error_message = "render_timeout_seconds must be between 60 and 43000."
  }
}

variable "max_receive_count" {
  description = "Receives before a job moves to the DLQ."
  type        = number
  default     = 5
}

variable "dlq_retention_seconds" {
  description = "How long dead jobs are kept for inspection."
  type        = number
  default     = 1209600
}
