variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "region" {
  description = "The AWS region the provider deploys to (the root module's region). Passed in rather than read from data.aws_region, whose attribute is `name` in provider 5.x and `region` in 6.x."
  type        = string
}

variable "cidr_block" {
  description = "CIDR of the VPC this module creates; ignored when existing_vpc is set."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR such as 10.40.0.0/16."
  }
}

variable "az_count" {
  description = "Availability zones the private subnets span (at least 2)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6."
  }
}

variable "existing_vpc" {
  description = "Use this VPC instead of creating one: its id, CIDR and private subnet ids (with route tables for the gateway endpoints)."
  type = object({
    vpc_id          = string
    cidr_block      = string
    subnet_ids      = list(string)
    route_table_ids = list(string)
  })
  default = null
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow logs."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow logs."
  type        = string
}
