# The statement every bucket and queue policy of the platform starts from: any request not made
# over TLS is denied, whoever makes it. A caller adds its own statements after it
# (source_policy_documents) or uses it as the whole policy.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["${var.service}:*"]
    resources = var.resources
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
