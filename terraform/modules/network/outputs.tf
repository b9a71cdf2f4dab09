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

output "gateway_prefix_lists" {
  description = "Prefix lists of the S3 and DynamoDB gateway endpoints by service, for security group egress. The keys are known at plan time; the ids only after apply."
  value       = { for service, endpoint in aws_vpc_endpoint.gateway : service => endpoint.prefix_list_id }
}
