output "stream_names" {
  description = "Firehose delivery stream per event dataset (producers PutRecord/PutRecordBatch to it)."
  value       = { for dataset, stream in aws_kinesis_firehose_delivery_stream.events : dataset => stream.name }
}

output "stream_arns" {
  description = "Firehose delivery stream ARN per event dataset (grant producers firehose:PutRecordBatch on it)."
  value       = { for dataset, stream in aws_kinesis_firehose_delivery_stream.events : dataset => stream.arn }
}
