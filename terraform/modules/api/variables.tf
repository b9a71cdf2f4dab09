variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "lambda_package" {
  description = "The platform's Lambda zip (build/lambdas.zip from make lambdas): path and base64 sha256."
  type = object({
    path = string
    hash = string
  })
}

variable "powertools_layer_arn" {
  description = "The Powertools for AWS Lambda (Python) public layer the functions use."
  type        = string
}

variable "table_name" {
  description = "The snapshots table."
  type        = string
}

variable "table_arn" {
  description = "ARN of the snapshots table."
  type        = string
}

variable "bucket_name" {
  description = "The snapshots bucket."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the snapshots bucket."
  type        = string
}

variable "catalog_uri" {
  description = "s3:// URI of the report catalog."
  type        = string
}

variable "catalog_object_arn" {
  description = "ARN of the catalog object."
  type        = string
}

variable "state_machine_arn" {
  description = "The snapshot state machine the trigger starts."
  type        = string
}

variable "event_bus_name" {
  description = "The platform's event bus (Snapshot Requested / Data Landed come in here)."
  type        = string
}

variable "event_bus_arn" {
  description = "ARN of the event bus."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform's KMS key (table, bucket, logs, queues, Lambda environment)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the Lambdas run in."
  type        = list(string)
}

variable "vpc_id" {
  description = "The VPC of those subnets."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (HTTPS to the interface endpoints)."
  type        = string
}

variable "gateway_prefix_lists" {
  description = "Prefix lists of the S3 and DynamoDB gateway endpoints, by service name (static keys: known at plan time)."
  type        = map(string)
}

variable "schedules" {
  description = "Catalog reports rendered on a schedule: report name -> EventBridge Scheduler expression and format."
  type = map(object({
    expression = string
    format     = string
    timezone   = optional(string, "UTC")
  }))
  default = {}
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of each Lambda (bounds DynamoDB and Step Functions load)."
  type        = number
  default     = 50
}

variable "log_retention_days" {
  description = "Retention of the Lambdas' and the API's logs."
  type        = number
  default     = 365
}

variable "throttle_rate" {
  description = "API steady-state requests per second."
  type        = number
  default     = 200
}

variable "throttle_burst" {
  description = "API burst of requests."
  type        = number
  default     = 400
}
