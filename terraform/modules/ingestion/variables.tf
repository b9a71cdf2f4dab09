variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform's KMS key: the streams, the objects they write and their logs."
  type        = string
}

variable "landing_bucket" {
  description = "The landing bucket the streams write into: name and ARN."
  type        = object({ name = string, arn = string })
}

variable "streams" {
  description = "One stream per event dataset: where it writes and its objects' suffix (catalog/event-streams.json, written by make schedules from the dataset catalog)."
  type        = map(object({ prefix = string, extension = string }))
}

variable "buffering_mb" {
  description = "Firehose writes an object when this many MB have arrived..."
  type        = number
  default     = 64
}

variable "buffering_seconds" {
  description = "...or when this many seconds have passed since the first record of the object."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Retention of the streams' delivery logs."
  type        = number
  default     = 365
}
