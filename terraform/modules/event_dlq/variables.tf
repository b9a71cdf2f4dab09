variable "name" {
  description = "The queue's name."
  type        = string
}

variable "rule_arn" {
  description = "The EventBridge rule whose failed deliveries the queue takes (the only sender allowed)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the queue."
  type        = string
}
