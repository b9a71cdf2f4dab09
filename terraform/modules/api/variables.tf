variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "state_machine_arn" {
  description = "The snapshot state machine the trigger starts."
  type        = string
}

variable "kms_key_arn" {
  description = "The platform's KMS key (table, bucket, logs, queues, Lambda environment)."
  type        = string
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

variable "network" {
  description = "Where it runs: the VPC, its CIDR (HTTPS to the interface endpoints), its private subnets, and the S3 and DynamoDB gateway endpoints' prefix lists by service (static keys: known at plan time)."
  type = object({
    vpc_id               = string
    vpc_cidr             = string
    subnet_ids           = list(string)
    gateway_prefix_lists = map(string)
  })
}

variable "lambda_code" {
  description = "The platform's Lambda zip (build/lambdas.zip from make lambdas: path and base64 sha256) and the Powertools layer it runs with."
  type = object({
    package              = object({ path = string, hash = string })
    powertools_layer_arn = string
  })
}

variable "table" {
  description = "The snapshots table: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "bucket" {
  description = "The snapshots bucket: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "catalog" {
  description = "The report catalog: its s3:// URI and its object's ARN."
  type = object({
    uri        = string
    object_arn = string
  })
}

variable "event_bus" {
  description = "The platform's event bus (Snapshot Requested / Data Landed come in here): name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "openapi_document" {
  description = "The API's OpenAPI 3.1 document (contracts/openapi.json): one route per operation, to the Lambda its x-snapshot-engine-function names, each behind the SigV4 (AWS_IAM) scheme it declares. API Gateway imports only OpenAPI 3.0, so the routes are made from it here rather than imported."
  type        = string

  validation {
    condition     = jsondecode(var.openapi_document).security == [{ sigv4 = [] }] && jsondecode(var.openapi_document).components.securitySchemes.sigv4["x-amazon-apigateway-authtype"] == "awsSigv4"
    error_message = "The document must require its sigv4 (awsSigv4) scheme on every operation: the routes are AWS_IAM."
  }
}

variable "entitlements_table" {
  description = "The entitlements table (who may see which values of the catalog's entitled params): the Lambdas read it, never write it."
  type = object({
    name = string
    arn  = string
  })
}

variable "jwt_authorizer" {
  description = "Sign people in through an OIDC issuer (Cognito or the company's IdP) instead of SigV4: the issuer URL and the audiences (app client ids) its tokens are for. Every route then takes a Bearer token and the Lambdas read its sub and groups claims. null (the default) keeps AWS_IAM on every route."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null

  validation {
    condition     = var.jwt_authorizer == null || (startswith(try(var.jwt_authorizer.issuer, ""), "https://") && length(try(var.jwt_authorizer.audience, [])) > 0)
    error_message = "jwt_authorizer needs an https:// issuer and at least one audience."
  }
}

variable "request_sources" {
  description = "Event sources besides the schedules' whose Snapshot Requested and Data Landed events reach the trigger (the load state machine's)."
  type        = list(string)
  validation {
    condition     = alltrue([for s in var.request_sources : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "request_sources are EventBridge sources such as datalake.ingest."
  }
}
