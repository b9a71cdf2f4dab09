provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project     = "snapshot-engine"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
