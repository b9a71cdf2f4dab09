"""The sandbox's people: IAM users created in moto with their own access keys, each entitled to
one region, so the API can be tried (and the demo shows it) as different callers. alice and
carol see EMEA, bob AMER; they sign with their own keys (``make up`` prints them)."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.credentials import ReadOnlyCredentials

from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from lambdas.dynamo_types import serialize
from sandbox.platform import Platform

REGIONS = {"alice": "EMEA", "bob": "AMER", "carol": "EMEA"}


@dataclass(frozen=True)
class Person:
    name: str
    region: str
    arn: str
    credentials: ReadOnlyCredentials


def create_people(platform: Platform) -> dict[str, Person]:
    iam = boto3.client("iam")
    ddb = boto3.client("dynamodb")
    people = {}
    for name, region in REGIONS.items():
        user = iam.create_user(UserName=f"{platform.name}-{name}")["User"]
        key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
        grant = {ENTITLEMENTS_KEY: user["Arn"], ENTITLEMENTS_PARAMS: {"region": [region]}}
        ddb.put_item(TableName=platform.entitlements_table, Item=serialize(grant))
        credentials = ReadOnlyCredentials(key["AccessKeyId"], key["SecretAccessKey"], None)
        people[name] = Person(name, region, user["Arn"], credentials)
    return people
