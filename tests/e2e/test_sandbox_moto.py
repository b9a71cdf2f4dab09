"""``make moto`` (``python -m sandbox moto``): moto alone, seeded with what Terraform looks up, on
the port asked for, until Ctrl-C."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator

import boto3

from sandbox.account_seed import AMI_NAME_TAG
from sandbox.moto_server import free_port
from sandbox.platform import ROOT


@contextlib.contextmanager
def sandbox_moto(port: int) -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-u", "-m", "sandbox", "moto", "--port", str(port)]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:  # a failed test leaves no server behind
                process.kill()


def test_moto_alone_serves_the_seeded_account_until_interrupted() -> None:
    port = free_port()
    with sandbox_moto(port) as process:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in banner, banner
        ec2 = boto3.client(
            "ec2",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        images = ec2.describe_images(
            Owners=["self"], Filters=[{"Name": "tag:Name", "Values": [AMI_NAME_TAG]}]
        )
        assert len(images["Images"]) == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
