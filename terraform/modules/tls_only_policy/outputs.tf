output "json" {
  description = "The policy document, for a policy or a caller's source_policy_documents."
  value       = data.aws_iam_policy_document.this.json
}
