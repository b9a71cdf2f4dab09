variable "name" {
  description = "Prefix of every resource of this platform, e.g. snapshot-dev."
  type        = string
}

variable "enabled" {
  description = "Create the reporting database (RDS MySQL)."
  type        = bool
  default     = false
}

variable "quicksight_enabled" {
  description = "Also register the database as a QuickSight data source over a VPC connection (QuickSight Enterprise must be subscribed)."
  type        = bool
  default     = false
}

variable "quicksight_role_arn" {
  description = "IAM role QuickSight's VPC connection uses to create its network interfaces."
  type        = string
  default     = null
}

variable "report_readers" {
  description = "QuickSight group ARNs that may read the migrated reports' data sets and dashboards (migrated_reports.tf.json)."
  type        = list(string)
  default     = []
}

variable "clients" {
  description = "Security groups allowed to connect, by a name of the client (e.g. agents). Keyed by name so the rules are known at plan time, before the groups exist."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the managed master password."
  type        = string
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial storage; it grows to max_allocated_storage_gb on demand."
  type        = number
  default     = 50
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling."
  type        = number
  default     = 500
}

variable "engine_version" {
  description = "MySQL major.minor version."
  type        = string
  default     = "8.4"
}

variable "database_name" {
  description = "Initial database the reports read."
  type        = string
  default     = "reporting"
}

variable "backup_retention_days" {
  description = "Automated backup retention."
  type        = number
  default     = 14
}

variable "production" {
  description = "Production: Multi-AZ, deletion protection and a final snapshot."
  type        = bool
  default     = false
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
