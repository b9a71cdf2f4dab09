"""AWS clients at module scope, made once per Lambda container (Powertools style).

Endpoints come from botocore's own ``AWS_ENDPOINT_URL`` when set, so the sandbox needs no code
path of its own here.
"""

from __future__ import annotations

import boto3
from botocore.config import Config

from lambdas.catalog_cache import CatalogCache
from lambdas.settings import LambdaSettings

settings = LambdaSettings.from_env()
_config = Config(retries={"mode": "standard", "max_attempts": 3})
dynamodb = boto3.client("dynamodb", config=_config)
sfn = boto3.client("stepfunctions", config=_config)
s3 = boto3.client("s3", config=Config(signature_version="s3v4", retries={"mode": "standard"}))
catalog = CatalogCache(settings.catalog_uri, s3, settings.catalog_ttl_seconds)
