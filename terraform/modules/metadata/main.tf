# The snapshots table of the design's "Metadata item": one item per key, GSI by-report for listing,
# GSI in-progress for the reconciler's sweep, TTL on expires_at.
resource "aws_dynamodb_table" "snapshots" {
  name                        = "${var.name}-snapshots"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "key"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "key"
    type = "S"
  }

  attribute {
    name = "report"
    type = "S"
  }

  attribute {
    name = "requested_at"
    type = "S"
  }

  attribute {
    name = "in_progress"
    type = "S"
  }

  global_secondary_index {
    name            = "by-report"
    hash_key        = "report"
    range_key       = "requested_at"
    projection_type = "ALL"
  }

  # The reconciler's sweep: only items in progress carry in_progress (a shard, the key's first
  # hex digit), so the index holds them alone.
  global_secondary_index {
    name               = "in-progress"
    hash_key           = "in_progress"
    range_key          = "requested_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["status", "generation", "attempt", "snapshot_id"]
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

# Fleet-wide leases (agent/lease.py): one small item per semaphore, e.g. the account's 12
# QuickSight snapshot-job slots. Expired leases are pruned by the agents themselves.
resource "aws_dynamodb_table" "leases" {
  name                        = "${var.name}-leases"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "name"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "name"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

# Entitlements (lambdas/entitlements.py): one item per subject (an IAM principal ARN,
# group:<JWT group>, system:<event source>) naming the values of the catalog's entitled params it
# may see. Operators write it; the API's Lambdas only read it.
resource "aws_dynamodb_table" "entitlements" {
  name                        = "${var.name}-entitlements"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "subject"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "subject"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }
}

# The catalog's entitlements seed (<catalog dir>/entitlements.json, DynamoDB's typed JSON): each
# subject's item is written once; later changes are the operators' and an apply leaves them be.
resource "aws_dynamodb_table_item" "entitlement" {
  for_each   = var.entitlements_seed
  table_name = aws_dynamodb_table.entitlements.name
  hash_key   = aws_dynamodb_table.entitlements.hash_key
  item       = jsonencode(each.value)

  lifecycle {
    ignore_changes = [item]
  }
}
