packer {
  required_version = ">= 1.10.0"

  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "= 1.3.9"
    }
  }
}

locals {
  build_time = timestamp()
  stamp      = formatdate("YYYYMMDDhhmmss", local.build_time)
  wheel_name = basename(var.wheel_path)
}

source "amazon-ebs" "agent" {
  region        = var.region
  instance_type = var.instance_type
  subnet_id     = var.subnet_id
  ssh_username  = "ec2-user"
  ssh_interface = "session_manager"
  communicator  = "ssh"

  ami_name        = "snapshot-agent-${var.agent_version}-${local.stamp}"
  ami_description = "Snapshot Engine worker: snapshot-agent ${var.agent_version} (${var.git_sha}) on Amazon Linux 2023"
  ami_users       = var.ami_users
  encrypt_boot    = true
  kms_key_id      = var.kms_key_id
  imds_support    = "v2.0"

  # The newest Amazon Linux 2023 for x86_64, from Amazon itself.
  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-kernel-*-x86_64"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  # IMDSv2 only while building, as on the fleet.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  temporary_iam_instance_profile_policy_document {
    Version = "2012-10-17"
    Statement {
      Effect   = "Allow"
      Action = [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
        "ec2messages:GetMessages", "ec2messages:AcknowledgeMessage", "ec2messages:SendReply",
        "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint",
      ]
      Resource = ["*"]
    }
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_type           = "gp3"
    volume_size           = var.root_volume_gb
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  tags = {
    Name          = "snapshot-agent"
    AgentVersion  = var.agent_version
    GitSha        = var.git_sha
    BuildTime     = local.build_time
    BaseAmi       = "{{ .SourceAMI }}"
    BaseAmiName   = "{{ .SourceAMIName }}"
    Project       = "snapshot-engine"
  }

  snapshot_tags = {
    Name         = "snapshot-agent"
    AgentVersion = var.agent_version
    GitSha       = var.git_sha
  }

  run_tags = {
    Name = "packer-snapshot-agent-${var.agent_version}"
  }
}

build {
  name    = "snapshot-agent"
  sources = ["source.amazon-ebs.agent"]

  provisioner "file" {
    sources     = [var.wheel_path, var.requirements_path]
    destination = "/tmp/"
  }

  provisioner "file" {
    source      = var.wheelhouse_dir
    destination = "/tmp/wheelhouse"
  }

  provisioner "file" {
    source      = "${path.root}/rootfs"
    destination = "/tmp/rootfs"
  }

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    scripts         = ["${path.root}/scripts/install-system.sh"]
  }

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    environment_vars = [
      "WHEEL=/tmp/${local.wheel_name}",
      "WHEELHOUSE=/tmp/wheelhouse",
      "REQUIREMENTS=/tmp/requirements.txt",
      "ROOTFS=/tmp/rootfs",
      "PYTHON=/usr/bin/python3.11",
      "AGENT_VERSION=${var.agent_version}",
      "GIT_SHA=${var.git_sha}",
    ]
    scripts = ["${path.root}/scripts/install-agent.sh"]
  }

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    scripts         = ["${path.root}/scripts/enable-services.sh", "${path.root}/scripts/cleanup.sh"]
  }

  # Last: fail the build when the image would not run the agent.
  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    scripts         = ["${path.root}/scripts/validate.sh"]
  }

  # The builder's temporary SSH key must not stay in the image.
  provisioner "shell" {
    inline = ["sudo rm -f /home/ec2-user/.ssh/authorized_keys"]
  }

  post-processor "manifest" {
    output     = "${path.root}/../out/packer-manifest.json"
    strip_path = true
    custom_data = {
      agent_version = var.agent_version
      git_sha       = var.git_sha
      build_time    = local.build_time
    }
  }
}
