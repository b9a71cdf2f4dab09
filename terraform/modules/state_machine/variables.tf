variable "name" {
  description = "The state machine's name (its log group is /aws/vendedlogs/states/<name>)."
  type        = string
}

variable "definition" {
  description = "The ASL definition, its template filled (templatefile())."
  type        = string
}

variable "role_name" {
  description = "Name of the state machine's role."
  type        = string
}

variable "policy_name" {
  description = "Name of the role's inline policy."
  type        = string
}

variable "integrations_policy_json" {
  description = "What the definition's service integrations call, and nothing else (an aws_iam_policy_document's json)."
  type        = string
}

variable "checks" {
  description = "Conditions the definition's clocks must meet (e.g. a budget that covers a timeout and the capacity wait): a plan refuses any that fails, with its message."
  type        = list(object({ condition = bool, error_message = string }))
  default     = []
}

variable "kms_key_arn" {
  description = "KMS key of the execution log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the execution logs."
  type        = number
}
