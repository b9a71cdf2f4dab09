variable "region" {
  type        = string
  description = "Region the AMI is built in (and registered to)."
}

variable "agent_version" {
  type        = string
  description = "Version of the agent wheel baked in (make ami passes the project version)."
}

variable "git_sha" {
  type        = string
  description = "Commit the wheel was built from (make ami passes git rev-parse HEAD)."
}

variable "wheel_path" {
  type        = string
  description = "The agent wheel built by make wheel (dist/snapshot_engine-<version>-py3-none-any.whl)."
}

variable "wheelhouse_dir" {
  type        = string
  description = "Hash-checked wheels of the agent's locked dependencies (dist/wheelhouse), so the build needs no PyPI."
  default     = "../dist/wheelhouse"
}

variable "requirements_path" {
  type        = string
  description = "The locked dependency list with hashes (dist/requirements.txt)."
  default     = "../dist/requirements.txt"
}

variable "instance_type" {
  type        = string
  description = "Builder instance type."
  default     = "m7i.large"
}

variable "subnet_id" {
  type        = string
  description = "Subnet of the builder; null lets Packer pick the default VPC. It needs outbound HTTPS for dnf."
  default     = null
}

variable "kms_key_id" {
  type        = string
  description = "KMS key that encrypts the AMI's snapshot; null uses the account's default EBS key."
  default     = null
}

variable "root_volume_gb" {
  type        = number
  description = "Root volume of the image (the launch template may grow it)."
  default     = 30
}

variable "ami_users" {
  type        = list(string)
  description = "Other accounts allowed to launch the AMI (e.g. prod when it is built in a shared account)."
  default     = []
}
