"""``python -m lambdas.backfill s3://<landing>/<prefix> --state-machine-arn ARN``: load every object
under a prefix (after a migration, or to replay) through the same load state machine, one
execution per file, started exactly as the landed function starts one. Loads are idempotent by
load id, so files already loaded start nothing. Prints one line per file; exit 0 when every file
was started or already had its load, 1 when listing or starting failed, 2 for bad arguments."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from urllib.parse import urlparse

import boto3

from contracts.loads import LandedObject, dataset_file, landed_time
from lambdas.landed import Landed
from lambdas.settings import LandedSettings


def objects(s3: object, bucket: str, prefix: str) -> Iterator[LandedObject]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)  # type: ignore[attr-defined]
    for page in pages:
        for found in page.get("Contents", []):
            try:
                yield dataset_file(
                    bucket,
                    found["Key"],
                    found["ETag"],
                    size=found["Size"],
                    landed_at=landed_time(found["LastModified"]),
                )
            except ValueError:
                continue  # the platform's own objects, folder markers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lambdas.backfill", description=__doc__.split("\n")[0])
    parser.add_argument("prefix", help="s3://<landing bucket>/<dataset>/[...]")
    parser.add_argument(
        "--state-machine-arn",
        default=os.environ.get("LOAD_STATE_MACHINE_ARN"),
        help="the load state machine (Terraform output load_state_machine_arn; $LOAD_STATE_MACHINE_ARN)",
    )
    args = parser.parse_args(argv)
    where = urlparse(args.prefix)
    if where.scheme != "s3" or not where.netloc or not args.state_machine_arn:
        parser.error("give s3://<bucket>/<prefix> and --state-machine-arn (or LOAD_STATE_MACHINE_ARN)")
    landed = Landed(LandedSettings(state_machine_arn=args.state_machine_arn), boto3.client("stepfunctions"))
    started = ignored = 0
    try:
        for found in objects(boto3.client("s3"), where.netloc, where.path.lstrip("/")):
            result = landed.start(found)
            if result["started"]:
                started += 1
                print(f"started  {result['started']}  {found.key}")
            else:
                ignored += 1
                print(f"ignored  {found.load_id}  {found.key}: {result['ignored']}")
    except Exception as exc:
        print(f"backfill: {exc}", file=sys.stderr)
        return 1
    print(f"backfill: {started} started, {ignored} already had their load")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
