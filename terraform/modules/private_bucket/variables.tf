variable "name" {
  description = "The bucket's name."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform key objects are encrypted with (SSE-KMS); null only for the access-log target, which S3 server access logging can deliver to only with SSE-S3."
  type        = string
  default     = null
}

variable "access_logs" {
  description = "Where this bucket's access is logged (the platform's log bucket, under s3/<name>/); null only for that log bucket itself."
  type = object({
    bucket = string
  })
  default = null
}

variable "receives_access_logs" {
  description = "This is the access-log target: S3's logging service may write under s3/ for this account's buckets."
  type        = bool
  default     = false
}

variable "eventbridge" {
  description = "Send every object event to EventBridge (the landing bucket's loads start from them)."
  type        = bool
  default     = false
}

variable "lifecycle_rules" {
  description = "Expirations by prefix (none: every object): current objects after expiration_days, old versions after noncurrent_days. Incomplete uploads are always aborted after a day."
  type = list(object({
    id              = string
    prefix          = optional(string)
    expiration_days = optional(number)
    noncurrent_days = optional(number)
  }))
}

variable "force_destroy" {
  description = "Allow destroy of a non-empty bucket (dev and the sandbox only)."
  type        = bool
  default     = false
}
