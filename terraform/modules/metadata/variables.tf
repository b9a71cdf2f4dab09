variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the table."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the table (on in prod)."
  type        = bool
  default     = true
}

variable "entitlements_seed" {
  description = "The entitlements table's first items, by subject, as DynamoDB typed JSON (the catalog's entitlements.json, written by make generate); written once, then the operators'."
  type        = map(any)
  default     = {}
}
