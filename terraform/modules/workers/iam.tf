resource "aws_iam_role" "agent" {
  name               = "${var.name}-agent"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_instance_profile" "agent" {
  name = "${var.name}-agent"
  role = aws_iam_role.agent.name
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "agent" {
  name   = "snapshot-agent"
  role   = aws_iam_role.agent.id
  policy = data.aws_iam_policy_document.agent.json
}

# What agent/ calls, and nothing else. Multipart calls (Create/UploadPart/Complete) authorise as
# s3:PutObject; the batch SQS calls as their single forms.
data "aws_iam_policy_document" "agent" {
  statement {
    sid       = "Jobs"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
    resources = [var.queue.arn]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
    resources = [var.dlq.arn]
  }

  statement {
    sid       = "Snapshots"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket.arn}/snapshots/*"]
  }

  statement {
    sid       = "Catalog"
    actions   = ["s3:GetObject"]
    resources = [var.catalog.object_arn, var.loads.datasets.object_arn]
  }

  # Load jobs read the landed files and write each load's rejected rows beside them.
  statement {
    sid       = "LandedFiles"
    actions   = ["s3:GetObject"]
    resources = ["${var.loads.landing_bucket.arn}/*"]
  }

  # Data source credentials, from the secrets named for them only (none named: no grant).
  dynamic "statement" {
    for_each = length(merge(var.data_source_secrets, var.load_source_secrets)) > 0 ? [1] : []
    content {
      sid       = "DataSourcePasswords"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = distinct(concat(values(var.data_source_secrets), values(var.load_source_secrets)))
    }
  }

  # Browser dashboards' credentials: the secrets the catalog names, and the optional prefix.
  dynamic "statement" {
    for_each = length(local.browser_secret_arns) > 0 ? [1] : []
    content {
      sid       = "BrowserCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.browser_secret_arns
    }
  }

  statement {
    sid       = "Rejects"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${var.loads.landing_bucket.arn}/_rejects/*"]
  }

  statement {
    sid       = "Fence"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.table.arn]
  }

  statement {
    sid       = "FleetLeases"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.lease_table.arn]
  }

  # A load waits while an earlier file of its dataset is still loading: the ledger's by-dataset
  # index names it, and its execution says whether it is still running.
  statement {
    sid       = "EarlierLoads"
    actions   = ["dynamodb:Query"]
    resources = ["${var.loads.ledger.arn}/index/by-dataset"]
  }

  statement {
    sid       = "EarlierLoadRuns"
    actions   = ["states:DescribeExecution"]
    resources = ["${replace(var.loads.state_machine_arn, ":stateMachine:", ":execution:")}:*"]
  }

  # QuickSight snapshot jobs and embed URLs: the dashboards the catalog names, and the users it
  # embeds as, only (none named: no grant). Nothing calls them while the renderer is off.
  dynamic "statement" {
    for_each = length(local.qs_dashboards) > 0 ? [1] : []
    content {
      sid = "QuickSightSnapshots"
      actions = [
        "quicksight:StartDashboardSnapshotJob",
        "quicksight:DescribeDashboardSnapshotJob",
        "quicksight:DescribeDashboardSnapshotJobResult",
      ]
      resources = local.qs_dashboards
    }
  }

  dynamic "statement" {
    for_each = length(var.quicksight_grants.namespaces) > 0 ? [1] : []
    content {
      sid       = "QuickSightAnonymousEmbeds"
      actions   = ["quicksight:GenerateEmbedUrlForAnonymousUser"]
      resources = concat(local.qs_dashboards, [for n in var.quicksight_grants.namespaces : "${local.qs_arn}:namespace/${n}"])
    }
  }

  dynamic "statement" {
    for_each = length(var.quicksight_grants.users) > 0 ? [1] : []
    content {
      sid       = "QuickSightRegisteredEmbeds"
      actions   = ["quicksight:GenerateEmbedUrlForRegisteredUser"]
      resources = var.quicksight_grants.users
    }
  }

  statement {
    sid       = "TaskTokens"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
    resources = [var.state_machine_arn, var.loads.state_machine_arn]
  }

  statement {
    sid       = "Encryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "OwnInstanceInTheFleet"
    actions   = ["autoscaling:SetInstanceProtection", "autoscaling:CompleteLifecycleAction"]
    resources = [local.asg_arn]
  }
}

# Session Manager instead of SSH, and the CloudWatch agent (metrics from /metrics, the journal).
resource "aws_iam_role_policy_attachment" "managed" {
  for_each = toset([
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchAgentServerPolicy",
  ])
  role       = aws_iam_role.agent.name
  policy_arn = each.value
}
