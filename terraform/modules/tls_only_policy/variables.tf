variable "service" {
  description = "The service prefix of the actions denied: s3 or sqs."
  type        = string

  validation {
    condition     = contains(["s3", "sqs"], var.service)
    error_message = "service is s3 or sqs: the kinds of resource policy the platform writes."
  }
}

variable "resources" {
  description = "The ARNs the statement covers (a bucket: the bucket and its objects)."
  type        = list(string)
}
