output "network" {
  description = "Where the platform runs: the VPC, its CIDR, the private subnets (no internet route) for workers, Lambdas and RDS, and the S3 and DynamoDB gateway endpoints' prefix lists by service for security group egress (keys known at plan time, ids only after apply)."
  value = {
    vpc_id               = local.vpc_id
    vpc_cidr             = local.vpc_cidr
    subnet_ids           = local.subnet_ids
    gateway_prefix_lists = { for service, endpoint in aws_vpc_endpoint.gateway : service => endpoint.prefix_list_id }
  }
}
