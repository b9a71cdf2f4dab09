# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.
#
# Versions are pinned here; package hashes could not be recorded on the machine that wrote this
# file (it has no access to the Terraform registry). `make providers-lock ENV=<env>` records them
# for every platform operators use; commit the result.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "6.25.0"
  constraints = ">= 5.100.0, < 7.0.0"
}
