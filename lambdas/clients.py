"""The clients both Lambdas use, at module scope, made once per container (Powertools style).

Endpoints come from botocore's own ``AWS_ENDPOINT_URL`` when set, so the sandbox needs no code
path of its own here.
"""

from __future__ import annotations

import boto3
from botocore.config import Config

from lambdas.settings import LambdaSettings

settings = LambdaSettings.from_env()
retries = Config(retries={"mode": "standard", "max_attempts": 3})
dynamodb = boto3.client("dynamodb", config=retries)
s3 = boto3.client("s3", config=Config(signature_version="s3v4", retries={"mode": "standard"}))
