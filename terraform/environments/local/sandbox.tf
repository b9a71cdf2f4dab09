# The sandbox environment: dev's configuration (the files linked from ../dev) applied to the
# sandbox's moto instead of an AWS account. moto_override.tf swaps the backend and the provider's
# endpoints; nothing in the modules knows the difference.
variable "sandbox_endpoint" {
  description = "URL of the sandbox's moto server (make up or python -m sandbox moto print it)."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://(127\\.[0-9.]+|localhost|\\[::1\\]):[0-9]+$", var.sandbox_endpoint))
    error_message = "sandbox_endpoint must be a loopback http URL with a port: the sandbox never leaves this machine."
  }
}
