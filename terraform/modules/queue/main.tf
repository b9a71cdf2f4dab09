resource "aws_sqs_queue" "jobs" {
  name                              = "${var.name}-jobs"
  visibility_timeout_seconds        = var.render_timeout_seconds + 60
  receive_wait_time_seconds         = 20
  message_retention_seconds         = 345600
  max_message_size                  = 262144
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-jobs-dlq"
  message_retention_seconds         = var.dlq_retention_seconds
  max_message_size                  = 262144
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 3600
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

module "tls_only" {
  source    = "../tls_only_policy"
  for_each  = { jobs = aws_sqs_queue.jobs.arn, dlq = aws_sqs_queue.dlq.arn }
  service   = "sqs"
  resources = [each.value]
}

resource "aws_sqs_queue_policy" "tls_only" {
  for_each  = { jobs = aws_sqs_queue.jobs.id, dlq = aws_sqs_queue.dlq.id }
  queue_url = each.value
  policy    = module.tls_only[each.key].json
}
