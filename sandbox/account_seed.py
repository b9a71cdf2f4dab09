"""What an AWS account already holds when the platform's Terraform first runs, put into the
sandbox's moto so that Terraform's data sources find it there too:

- the worker AMI that ``make ami`` builds, tagged ``Name=snapshot-agent`` (``modules/workers``
  looks it up when no ``ami_id`` is pinned);
- the Powertools for AWS Lambda public layer, and the public SSM parameter under
  ``/aws/service/powertools/`` that names it (the platform looks the layer up there).

AWS publishes that parameter itself, and accounts may not create names under ``/aws/`` (moto
refuses them as AWS does), so the parameter goes into moto's SSM backend directly. The layer is a
stand-in published in the sandbox's account: moto checks that a function's layers exist.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from importlib.metadata import version
from typing import Any

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ssm.models import Parameter, ssm_backends

AMI_NAME_TAG = "snapshot-agent"
POWERTOOLS_LAYER = "AWSLambdaPowertoolsPythonV3-python311-x86_64"


def powertools_parameter(powertools_version: str) -> str:
    """The public parameter Terraform reads; the version is uv.lock's (make lambdas writes it)."""
    return f"/aws/service/powertools/python/x86_64/python3.11/{powertools_version}"


def seed_account(region: str) -> None:
    """Idempotent: a second call finds both in place and adds nothing."""
    _seed_worker_ami(boto3.client("ec2", region_name=region))
    layer_arn = _seed_powertools_layer(boto3.client("lambda", region_name=region))
    _seed_public_parameter(region, powertools_parameter(version("aws-lambda-powertools")), layer_arn)


def _seed_worker_ami(ec2: Any) -> None:
    found = ec2.describe_images(Owners=["self"], Filters=[{"Name": "tag:Name", "Values": [AMI_NAME_TAG]}])
    if found["Images"]:
        return
    image_id = ec2.register_image(
        Name=f"{AMI_NAME_TAG}-sandbox",
        Description="Stand-in for the worker AMI make ami builds (the sandbox runs agents as processes)",
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 30, "VolumeType": "gp3"}}],
    )["ImageId"]
    ec2.create_tags(Resources=[image_id], Tags=[{"Key": "Name", "Value": AMI_NAME_TAG}])


def _seed_powertools_layer(awslambda: Any) -> str:
    versions = awslambda.list_layer_versions(LayerName=POWERTOOLS_LAYER)["LayerVersions"]
    if versions:
        return str(versions[0]["LayerVersionArn"])
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as zipped:
        zipped.writestr("python/README", "stand-in for the Powertools public layer\n")
    published = awslambda.publish_layer_version(
        LayerName=POWERTOOLS_LAYER,
        Description="Stand-in for Powertools for AWS Lambda (Python)",
        Content={"ZipFile": content.getvalue()},
        CompatibleRuntimes=["python3.11"],
    )
    return str(published["LayerVersionArn"])


def _seed_public_parameter(region: str, name: str, value: str) -> None:
    parameters = ssm_backends[DEFAULT_ACCOUNT_ID][region]._parameters
    if parameters.get(name):
        return
    parameters[name].append(
        Parameter(  # type: ignore[abstract]  # moto's own loaders make it the same way
            account_id=DEFAULT_ACCOUNT_ID,
            name=name,
            value=value,
            parameter_type="String",
            description="Stand-in for the public parameter AWS publishes for the Powertools layer",
            allowed_pattern=None,
            keyid=None,
            last_modified_date=datetime.datetime.now(datetime.UTC),
            version=1,
            data_type="text",
        )
    )
