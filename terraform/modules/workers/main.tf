data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_ami" "agent" {
  count       = var.instances.ami_id == null ? 1 : 0
  owners      = ["self"]
  most_recent = true

  filter {
    name   = "tag:Name"
    values = ["snapshot-agent"]
  }

  filter {
    name   = "state"
    values = ["available"]
  }
}

locals {
  ami_id         = var.instances.ami_id != null ? var.instances.ami_id : data.aws_ami.agent[0].id
  asg_name       = "${var.name}-agents"
  lifecycle_hook = "drain"
  qs_region      = coalesce(var.quicksight.region, var.region)
  # A secret named without its ARN matches with AWS's six random characters after the name, never
  # another secret whose name merely starts the same.
  secret_arns = "arn:${data.aws_partition.current.partition}:secretsmanager:${var.region}:${data.aws_caller_identity.current.account_id}:secret:"
  browser_secret_arns = concat(
    [for s in var.browser_secrets : startswith(s, "arn:") ? s : "${local.secret_arns}${s}-??????"],
    var.browser_secret_prefix == null ? [] : ["${local.secret_arns}${var.browser_secret_prefix}*"],
  )
  qs_arn = "arn:${data.aws_partition.current.partition}:quicksight:${local.qs_region}:${data.aws_caller_identity.current.account_id}"
  # Snapshot jobs live under their dashboard (dashboard/<id>/snapshot-job/<job>).
  qs_dashboards = flatten([
    for d in var.quicksight_grants.dashboards : ["${local.qs_arn}:dashboard/${d}", "${local.qs_arn}:dashboard/${d}/*"]
  ])
  asg_arn = "arn:${data.aws_partition.current.partition}:autoscaling:${var.region}:${data.aws_caller_identity.current.account_id}:autoScalingGroup:*:autoScalingGroupName/${local.asg_name}"
  # The agent's environment: the platform's names, then the caller's settings. Only SNAPSHOT_*.
  environment = merge(
    {
      SNAPSHOT_QUEUE_URL             = var.queue.url
      SNAPSHOT_DEAD_LETTER_QUEUE_URL = var.dlq.url
      SNAPSHOT_BUCKET                = var.bucket.name
      SNAPSHOT_TABLE                 = var.table.name
      SNAPSHOT_CATALOG_URI           = var.catalog.uri
      SNAPSHOT_DATASETS_URI          = var.loads.datasets.uri
      SNAPSHOT_METRICS_PORT          = tostring(var.metrics.port)
      SNAPSHOT_DRAIN_SECONDS         = tostring(var.drain_seconds)
      SNAPSHOT_DATA_SOURCES          = jsonencode(var.data_sources)
      SNAPSHOT_DATA_SOURCE_SECRETS   = jsonencode(var.data_source_secrets)
      SNAPSHOT_LOAD_SOURCE_SECRETS   = jsonencode(var.load_source_secrets)
      SNAPSHOT_LEASE_TABLE           = var.lease_table.name
      SNAPSHOT_LOADS_LEDGER_TABLE    = var.loads.ledger.name
      # The agent protects itself while busy and drains on the "drain" termination hook.
      SNAPSHOT_AUTOSCALING_GROUP = local.asg_name
      SNAPSHOT_LIFECYCLE_HOOK    = local.lifecycle_hook
    },
    var.quicksight.enabled ? {
      SNAPSHOT_QUICKSIGHT_ACCOUNT_ID       = data.aws_caller_identity.current.account_id
      SNAPSHOT_QUICKSIGHT_REGION           = local.qs_region
      SNAPSHOT_QUICKSIGHT_MAX_JOBS         = tostring(var.quicksight.max_jobs)
      SNAPSHOT_QUICKSIGHT_CALLS_PER_SECOND = tostring(var.quicksight.calls_per_second)
    } : {},
    { for k, v in var.agent_settings : "SNAPSHOT_${upper(k)}" => v },
  )
}

resource "aws_launch_template" "agent" {
  name_prefix            = "${var.name}-agent-"
  image_id               = local.ami_id
  update_default_version = true
  user_data              = base64encode(templatefile("${path.module}/user_data.sh.tftpl", { environment = local.environment, fleet_name = local.asg_name }))
  ebs_optimized          = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.agent.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "enabled"
  }

  network_interfaces {
    associate_public_ip_address = false
    security_groups             = [aws_security_group.agent.id]
    delete_on_termination       = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_type           = "gp3"
      volume_size           = var.instances.root_volume_gb
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-agent" }
  }

  tag_specifications {
    resource_type = "volume"
    tags          = { Name = "${var.name}-agent" }
  }
}

resource "aws_autoscaling_group" "agents" {
  name                      = local.asg_name
  min_size                  = 0
  max_size                  = var.instances.max_size
  vpc_zone_identifier       = var.network.subnet_ids
  health_check_type         = "EC2"
  health_check_grace_period = 120
  capacity_rebalance        = var.instances.spot
  default_instance_warmup   = 120
  protect_from_scale_in     = false
  # desired_capacity is left to the scaler Lambda, never reset by Terraform.
  wait_for_capacity_timeout = "0"

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = var.instances.on_demand_base
      on_demand_percentage_above_base_capacity = var.instances.spot ? 0 : 100
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.agent.id
        version            = aws_launch_template.agent.latest_version
      }

      dynamic "override" {
        for_each = var.instances.instance_types
        content {
          instance_type = override.value
        }
      }
    }
  }

  # A new launch template version (a new AMI, new settings) rolls through the fleet; SIGTERM drains.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 90
      max_healthy_percentage = 120
      instance_warmup        = 120
      skip_matching          = true
      checkpoint_percentages = [50, 100]
      checkpoint_delay       = 300
      auto_rollback          = true
    }
  }

  initial_lifecycle_hook {
    name                 = local.lifecycle_hook
    lifecycle_transition = "autoscaling:EC2_INSTANCE_TERMINATING"
    default_result       = "CONTINUE"
    heartbeat_timeout    = var.drain_seconds + 60
  }

  enabled_metrics = [
    "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances",
    "GroupTotalInstances",
  ]

  tag {
    key                 = "Name"
    value               = "${var.name}-agent"
    propagate_at_launch = true
  }

  lifecycle {
    ignore_changes = [desired_capacity]

    precondition {
      condition     = tonumber(lookup(var.agent_settings, "drain_seconds", var.drain_seconds)) <= var.drain_seconds
      error_message = "agent_settings.drain_seconds may not exceed drain_seconds: the lifecycle hook waits drain_seconds + 60 before the instance goes."
    }
  }
}

resource "aws_security_group" "agent" {
  name        = "${var.name}-agents"
  description = "Snapshot agents: metrics in from the scrapers, HTTPS out to the VPC endpoints"
  vpc_id      = var.network.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "metrics_cidr" {
  for_each          = toset(var.metrics.cidr_blocks)
  security_group_id = aws_security_group.agent.id
  description       = "Prometheus scrape of the agent"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.metrics.port
  to_port           = var.metrics.port
}

resource "aws_vpc_security_group_ingress_rule" "metrics_sg" {
  count                        = var.metrics.security_group_id == null ? 0 : 1
  security_group_id            = aws_security_group.agent.id
  description                  = "Prometheus scrape of the agent"
  referenced_security_group_id = var.metrics.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.metrics.port
  to_port                      = var.metrics.port
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = aws_security_group.agent.id
  description       = "HTTPS to the interface endpoints"
  cidr_ipv4         = var.network.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "gateways" {
  for_each          = var.network.gateway_prefix_lists
  security_group_id = aws_security_group.agent.id
  description       = "HTTPS to the ${each.key} gateway endpoint"
  prefix_list_id    = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "data_sources" {
  for_each                     = var.data_source_access
  security_group_id            = aws_security_group.agent.id
  description                  = "sql renderer to data source ${each.key}"
  referenced_security_group_id = each.value.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}
