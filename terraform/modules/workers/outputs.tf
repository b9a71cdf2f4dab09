output "autoscaling_group_name" {
  description = "The agents' Auto Scaling group; the scaler Lambda sets its desired capacity."
  value       = aws_autoscaling_group.agents.name
}

output "autoscaling_group_arn" {
  description = "ARN of the agents' Auto Scaling group."
  value       = aws_autoscaling_group.agents.arn
}

output "launch_template_id" {
  description = "The agents' launch template."
  value       = aws_launch_template.agent.id
}

output "security_group_id" {
  description = "The agents' security group (allow it into data sources)."
  value       = aws_security_group.agent.id
}

output "role_name" {
  description = "The agents' IAM role."
  value       = aws_iam_role.agent.name
}

output "ami_id" {
  description = "The AMI the launch template runs."
  value       = local.ami_id
}

output "agent_environment_names" {
  description = "SNAPSHOT_* names the user data writes."
  value       = sort(keys(local.environment))
}

output "scaler_function_name" {
  description = "The scaler Lambda (its logs show every decision and its reason)."
  value       = module.scaler.function_name
}
