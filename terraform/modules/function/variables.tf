variable "name" {
  description = "Function name (also names its role, log group and security group)."
  type        = string
}

variable "handler" {
  description = "Python handler, module.function."
  type        = string
}

variable "timeout" {
  description = "Seconds an invocation may run."
  type        = number
}

variable "memory_size" {
  description = "MB of memory."
  type        = number
  default     = 512
}

variable "package" {
  description = "The platform's Lambda zip: path and base64 sha256."
  type = object({
    path = string
    hash = string
  })
}

variable "layer_arns" {
  description = "Layers (the Powertools public layer)."
  type        = list(string)
}

variable "environment" {
  description = "Environment variables."
  type        = map(string)
}

variable "reserved_concurrency" {
  description = "Reserved concurrency."
  type        = number
}

variable "kms_key_arn" {
  description = "The platform's KMS key: environment, logs, and the encrypted stores the function reads."
  type        = string
}

variable "policy_json" {
  description = "The function's own permissions (what its code calls); the runtime's are added here."
  type        = string
}

variable "dead_letter_arn" {
  description = "SQS queue for failed asynchronous invocations, or null for a function whose caller retries."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the function's logs."
  type        = number
  default     = 365
}

variable "network" {
  description = "Where it runs: the VPC, its CIDR (HTTPS to the interface endpoints), its private subnets, and the S3 and DynamoDB gateway endpoints' prefix lists by service (static keys: known at plan time)."
  type = object({
    vpc_id               = string
    vpc_cidr             = string
    subnet_ids           = list(string)
    gateway_prefix_lists = map(string)
  })
}
