variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "region" {
  description = "The AWS region the provider deploys to (the root module's region). Passed in rather than read from data.aws_region, whose attribute is `name` in provider 5.x and `region` in 6.x."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the alarm topic."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alarm topic (each must confirm)."
  type        = list(string)
  default     = []
}

variable "queue_name" {
  description = "The jobs queue."
  type        = string
}

variable "dlq_name" {
  description = "The jobs dead-letter queue."
  type        = string
}

variable "trigger_dlq_name" {
  description = "The trigger's dead-letter queue (failed EventBridge deliveries)."
  type        = string
}

variable "state_machine_arn" {
  description = "The snapshot state machine."
  type        = string
}

variable "function_names" {
  description = "Lambda function names by role."
  type        = map(string)
}

variable "autoscaling_group_name" {
  description = "The agents' Auto Scaling group."
  type        = string
}

variable "agent_metrics_namespace" {
  description = "CloudWatch namespace the agents' CloudWatch agent publishes /metrics into."
  type        = string
}

variable "oldest_job_alarm_seconds" {
  description = "Alarm when the oldest waiting job is older than this."
  type        = number
  default     = 900
}

variable "agent_error_threshold" {
  description = "Alarm when the fleet reports more transient render failures than this in 5 minutes."
  type        = number
  default     = 20
}

variable "scaler_function_name" {
  description = "The workers' scaler Lambda (alarm on its errors)."
  type        = string
}

variable "landed_dlq_name" {
  description = "Dead-letter queue of landed files' event deliveries (the etl module's)."
  type        = string
}

variable "load_state_machine_arn" {
  description = "ARN of the load state machine."
  type        = string
}

variable "landed_function_name" {
  description = "Name of the landed function."
  type        = string
}

variable "reconciler_function_name" {
  description = "Name of the reconciler function."
  type        = string
}

variable "reconciler_dlq_name" {
  description = "Dead-letter queue of the reconciler's status-change deliveries."
  type        = string
}
