"""An Auto Scaling group in moto (launch template, lifecycle hook), for the fleet and scaler tests."""

from __future__ import annotations

import boto3

from sandbox.platform import Platform


def create_group(platform: Platform, desired: int = 1, max_size: int = 10) -> str:
    ec2, autoscaling = boto3.client("ec2"), boto3.client("autoscaling")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{platform.name}-agent",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    group = f"{platform.name}-agents"
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=group,
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=0,
        MaxSize=max_size,
        DesiredCapacity=desired,
        AvailabilityZones=[f"{boto3.session.Session().region_name}a"],
    )
    autoscaling.put_lifecycle_hook(
        LifecycleHookName="drain",
        AutoScalingGroupName=group,
        LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout=180,
        DefaultResult="CONTINUE",
    )
    return group
