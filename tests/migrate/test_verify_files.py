"""``migrate verify --files``: Azurite (Azure Blob on loopback) as the source, moto's S3 as the
target, as DataSync would have copied it. Each injected difference is found by name, and files
neither side can vouch for by MD5 are compared by their content."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.storage.blob import ContainerClient

from migrate.cli import main
from sandbox.moto_server import MotoSandbox

FILES = {
    f"2026/11/{day:02d}/sales.csv": f"id,amount\n{day},{day * 10}.50\n".encode() * 50 for day in range(1, 9)
}
BIG = b"x" * (6 * 1024 * 1024)  # over S3's 5 MiB part: copied in parts, its ETag is no MD5


@pytest.fixture
def copied(
    azurite: str, moto_server: MotoSandbox, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, str]]:
    """A container and a bucket holding the same files: (container client, bucket)."""
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    for name, value in moto_server.aws_env().items():
        monkeypatch.setenv(name, value)
    name = f"lake-{uuid.uuid4().hex[:8]}"
    container = ContainerClient.from_connection_string(azurite, name)
    container.create_container()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=name)
    for key, body in FILES.items():
        container.upload_blob(f"raw/{key}", body)
        s3.put_object(Bucket=name, Key=f"landing/{key}", Body=body)
    in_blocks(azurite, name).upload_blob("raw/big.bin", BIG)
    upload = s3.create_multipart_upload(Bucket=name, Key="landing/big.bin")
    parts: list[Any] = [
        {
            "PartNumber": n + 1,
            "ETag": s3.upload_part(
                Bucket=name, Key="landing/big.bin", PartNumber=n + 1, UploadId=upload["UploadId"], Body=chunk
            )["ETag"],
        }
        for n, chunk in enumerate((BIG[: 5 * 1024 * 1024], BIG[5 * 1024 * 1024 :]))
    ]
    s3.complete_multipart_upload(
        Bucket=name, Key="landing/big.bin", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    yield container, name
    container.delete_container()


def in_blocks(connection: str, name: str) -> Any:
    """A client that uploads in 1 MiB blocks: Azure then stores no Content-MD5 for the blob."""
    mib = 1024 * 1024
    return ContainerClient.from_connection_string(
        connection, name, max_single_put_size=mib, max_block_size=mib
    )


def verify(bucket: str, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    output = tmp_path / "verify.json"
    code = main(["verify", "--files", f"azure://{bucket}/raw/=s3://{bucket}/landing/", "-o", str(output)])
    return code, json.loads(output.read_text()) if output.exists() else {}


def test_a_faithful_copy_matches_and_unvouched_files_are_read(
    copied: tuple[Any, str], tmp_path: Path
) -> None:
    container, bucket = copied
    assert container.get_blob_client("raw/big.bin").get_blob_properties().content_settings.content_md5 is None
    code, report = verify(bucket, tmp_path)
    (files,) = report["files"]
    assert code == 0 and files["status"] == "match", files
    assert (files["source_files"], files["target_files"], files["hashed"]) == (9, 9, 1)


def test_missing_extra_and_changed_files_are_named(copied: tuple[Any, str], tmp_path: Path) -> None:
    _, bucket = copied
    s3 = boto3.client("s3")
    s3.delete_object(Bucket=bucket, Key="landing/2026/11/03/sales.csv")
    s3.put_object(Bucket=bucket, Key="landing/2026/11/09/sales.csv", Body=b"late\n")
    same_size = bytearray(FILES["2026/11/05/sales.csv"])
    same_size[-2] ^= 1
    s3.put_object(Bucket=bucket, Key="landing/2026/11/05/sales.csv", Body=bytes(same_size))
    s3.put_object(Bucket=bucket, Key="landing/2026/11/06/sales.csv", Body=FILES["2026/11/06/sales.csv"][:-1])
    in_blocks(os.environ["AZURE_STORAGE_CONNECTION_STRING"], bucket).upload_blob(
        "raw/big.bin", BIG[:-1] + b"y", overwrite=True
    )
    code, report = verify(bucket, tmp_path)
    (files,) = report["files"]
    assert code == 1 and files["status"] == "differ"
    assert (files["missing_names"], files["extra_names"]) == (
        ["2026/11/03/sales.csv"],
        ["2026/11/09/sales.csv"],
    )
    whys = {d["name"]: d["why"].split(" ")[0] for d in files["different_names"]}
    assert whys == {"2026/11/05/sales.csv": "MD5", "2026/11/06/sales.csv": "size", "big.bin": "SHA-256"}


def test_bad_file_arguments_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, azurite: str
) -> None:
    assert main(["verify", "--files", "blob://x=s3://y", "-o", str(tmp_path / "v.json")]) == 2
    assert "expected azure://CONTAINER/PREFIX=s3://BUCKET/PREFIX" in capsys.readouterr().err
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    assert main(["verify", "--files", "azure://c/p=s3://b/p", "-o", str(tmp_path / "v.json")]) == 2
    assert "AZURE_STORAGE_CONNECTION_STRING" in capsys.readouterr().err
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite)
    assert (
        main(["verify", "--files", "azure://no-such-container/p=s3://b/p", "-o", str(tmp_path / "v.json")])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "azure://no-such-container/p" in err
