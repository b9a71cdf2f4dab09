# Where an EventBridge rule's deliveries to a function, and that function's failed asynchronous
# invocations, end up: a KMS-encrypted queue only that rule may write to, over TLS only.
resource "aws_sqs_queue" "this" {
  name                              = var.name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.this.json
}

module "tls_only" {
  source    = "../tls_only_policy"
  service   = "sqs"
  resources = [aws_sqs_queue.this.arn]
}

data "aws_iam_policy_document" "this" {
  source_policy_documents = [module.tls_only.json]

  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [var.rule_arn]
    }
  }
}
