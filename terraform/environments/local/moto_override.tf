# Points dev's configuration at the sandbox's moto: a local state file, every service the platform
# uses at the sandbox's endpoint, and few retries, so a call moto does not support fails in seconds
# instead of being retried for minutes. Region, allowed_account_ids (moto's account) and default
# tags are dev's. Credentials come from the environment (make sets the sandbox's).
terraform {
  backend "local" {}
}

provider "aws" {
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_credentials_validation = false
  s3_use_path_style           = true
  max_retries                 = 2

  endpoints {
    apigatewayv2   = var.sandbox_endpoint
    autoscaling    = var.sandbox_endpoint
    cloudwatch     = var.sandbox_endpoint
    datasync       = var.sandbox_endpoint
    dms            = var.sandbox_endpoint
    ec2            = var.sandbox_endpoint
    events         = var.sandbox_endpoint
    firehose       = var.sandbox_endpoint
    dynamodb       = var.sandbox_endpoint
    iam            = var.sandbox_endpoint
    kms            = var.sandbox_endpoint
    lambda         = var.sandbox_endpoint
    logs           = var.sandbox_endpoint
    quicksight     = var.sandbox_endpoint
    rds            = var.sandbox_endpoint
    s3             = var.sandbox_endpoint
    scheduler      = var.sandbox_endpoint
    secretsmanager = var.sandbox_endpoint
    sfn            = var.sandbox_endpoint
    sns            = var.sandbox_endpoint
    sqs            = var.sandbox_endpoint
    ssm            = var.sandbox_endpoint
    sts            = var.sandbox_endpoint
  }
}
