"""A real S3 implementation on 127.0.0.1 (moto's server, in a process of its own) and the
photo store in a private bucket of each test's own on it.

`s3_photos` sets the environment a clinic would set (PHOTO_STORAGE=s3 and the AWS_*
variables) and builds STORAGES["photos"] from it with the same function settings.py uses;
the Photo model's fields follow the setting (photos/storage.py), so nothing else changes.
"""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from urllib.parse import parse_qsl, quote, urlsplit

import boto3
import environ
import pytest
from botocore.config import Config

from smpclinic.storage_settings import photo_storage_setting
from tests.redis_server import free_port

ACCESS_KEY = "AKIACLINICTEST0001"
SECRET_KEY = "clinic-test-secret-for-the-local-s3-server"
REGION = "eu-west-2"
# Every variable photo_storage_setting reads: the machine's own values never leak in.
S3_VARIABLES = (
    "PHOTO_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_QUERYSTRING_EXPIRE",
    "AWS_DEFAULT_ACL",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_CLOUDFRONT_KEY_ID",
    "AWS_CLOUDFRONT_KEY",
)


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4"),
        )


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server, started once for the run on a free port of 127.0.0.1."""
    port = free_port()
    log = tmp_path_factory.mktemp("s3-server") / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1).close()  # noqa: S310
            break
        except (urllib.error.URLError, OSError) as error:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                message = f"the local S3 server did not start:\n{log.read_text()}"
                raise RuntimeError(message) from error
            time.sleep(0.1)
    yield S3Server(endpoint=endpoint, process=process)
    process.terminate()
    process.wait(timeout=10)


def s3_environment(server: S3Server, bucket: str, **more: str) -> dict[str, str]:
    return {
        "PHOTO_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        **more,
    }


def use_environment(monkeypatch, values: dict[str, str]) -> environ.Env:
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


@dataclass
class S3Photos:
    server: S3Server
    bucket: str
    s3: object  # a boto3 S3 client of the test's own, to look into the bucket

    @property
    def origin(self) -> str:
        return self.server.endpoint

    def keys(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture
def s3_photos(settings, monkeypatch, tmp_path, s3_server):
    """Client photos in a private bucket of this test's own on the local S3 server."""
    bucket = f"clinic-photos-{uuid.uuid4().hex[:16]}"
    s3 = s3_server.client()
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    env = use_environment(monkeypatch, s3_environment(s3_server, bucket))
    settings.PHOTO_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": photo_storage_setting(env, private_folder=tmp_path / "unused"),
    }
    return S3Photos(server=s3_server, bucket=bucket, s3=s3)


def download(url: str) -> tuple[int, bytes, Message]:
    """GET a URL as a browser would, without any credentials: (status, body, headers)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def sigv4_query_signature_is_valid(url: str, secret_key: str = SECRET_KEY) -> bool:
    """Checks a presigned GET link as S3 does (AWS Signature Version 4, in the query string,
    the host header signed, the payload unsigned), from the specification, not botocore."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = params.pop("X-Amz-Signature")
    canonical_query = "&".join(
        f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}"
        for name, value in sorted(params.items())
    )
    canonical_request = "\n".join(
        ["GET", parts.path, canonical_query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"]
    )
    scope = params["X-Amz-Credential"].split("/", 1)[1]
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret_key}".encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
