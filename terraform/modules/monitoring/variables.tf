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

variable "watched" {
  description = "What the alarms and the dashboard watch, as the other modules' outputs name it: the jobs queue and its dead-letter queue, each EventBridge target's dead-letter queue by the function it feeds (an alarm each), the two state machines, every Lambda by role (an errors alarm each), and the agents' group and metrics namespace. A new function or target joins a map; no new variable."
  type = object({
    jobs_queue              = string
    jobs_dlq                = string
    delivery_dlqs           = map(string)
    state_machine_arn       = string
    load_state_machine_arn  = string
    functions               = map(string)
    autoscaling_group_name  = string
    agent_metrics_namespace = string
  })
}
