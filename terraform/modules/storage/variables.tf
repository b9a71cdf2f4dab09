variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS on the snapshots bucket."
  type        = string
}

variable "catalog_path" {
  description = "Local path of the report catalog (TOML) uploaded as the catalog object."
  type        = string
}

variable "noncurrent_days" {
  description = "Days an overwritten or deleted object version (an old generation) is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_days >= 1
    error_message = "noncurrent_days must be at least 1."
  }
}

variable "snapshot_days" {
  description = "Days a snapshot object lives before it expires (keep it at or above the metadata retention)."
  type        = number
  default     = 90
}

variable "access_log_days" {
  description = "Days the S3 access logs are kept."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Let terraform destroy delete non-empty buckets (dev only)."
  type        = bool
  default     = false
}
