output "vpc_id" {
  description = "The VPC the platform runs in."
  value       = local.vpc_id
}

output "vpc_cidr" {
  description = "CIDR of that VPC."
  value       = local.vpc_cidr
}

output "private_subnet_ids" {
  description = "Private subnets (no internet route) for workers, Lambdas and RDS."
  value       = local.subnet_ids
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint, for security group egress."
  value       = aws_vpc_endpoint.gateway["s3"].prefix_list_id
}

output "dynamodb_prefix_list_id" {
  description = "Prefix list of the DynamoDB gateway endpoint, for security group egress."
  value       = aws_vpc_endpoint.gateway["dynamodb"].prefix_list_id
}
