variable "name" {
  description = "The rule's name."
  type        = string
}

variable "description" {
  description = "What the rule sends to the function, in a sentence (shown in the console)."
  type        = string
}

variable "event_pattern" {
  description = "The events the rule matches, as JSON (jsonencode); null for a schedule."
  type        = string
  default     = null
}

variable "schedule_expression" {
  description = "rate(...) or cron(...) for a scheduled rule; null for an event pattern."
  type        = string
  default     = null

  validation {
    condition     = (var.schedule_expression == null) != (var.event_pattern == null)
    error_message = "A rule has either an event_pattern or a schedule_expression, not both and not neither."
  }
}

variable "event_bus_name" {
  description = "The bus the rule listens on; null for the account's default bus (AWS services' events, schedules)."
  type        = string
  default     = null
}

variable "function" {
  description = "The function invoked: the function module's outputs (arn, function_name)."
  type = object({
    arn           = string
    function_name = string
  })
}

variable "statement_id" {
  description = "The function permission's statement id: unique among that function's permissions, and kept (a change replaces the permission)."
  type        = string
}

variable "input" {
  description = "A fixed JSON input sent instead of the event; null sends the event."
  type        = string
  default     = null
}

variable "delivery" {
  description = "How long and how often EventBridge retries a failed delivery before dropping it or, with dead_letter_arn, keeping it (a timer: docs/timers.md)."
  type = object({
    max_age_seconds = number
    max_attempts    = number
  })

  validation {
    condition     = var.delivery.max_age_seconds >= 60 && var.delivery.max_age_seconds <= 86400 && floor(var.delivery.max_age_seconds) == var.delivery.max_age_seconds && var.delivery.max_attempts >= 0 && var.delivery.max_attempts <= 185 && floor(var.delivery.max_attempts) == var.delivery.max_attempts
    error_message = "EventBridge allows a maximum event age of 60 to 86400 whole seconds and 0 to 185 retry attempts."
  }
}

variable "dead_letter_arn" {
  description = "The queue that keeps events EventBridge gave up on (the event_dlq module); null drops them (a schedule whose next tick makes good a missed one)."
  type        = string
  default     = null
}
