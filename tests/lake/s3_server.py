"""An S3 server on loopback for lake mode's data on object storage: moto's, checking every
request's signature like AWS, with one user's access key allowed everything and one bucket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

BUCKET = "pmo-lake"
REGION = "us-east-1"
ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    key_id: str
    secret: str
    bucket: str = BUCKET

    def lake_settings(self, folder: str) -> dict[str, str]:
        """Lake mode's storage settings for its data under ``folder`` of the bucket, with this
        server's access key."""
        return {
            "PMO_LAKE_DATA_PATH": f"s3://{self.bucket}/{folder}/",
            "PMO_LAKE_S3_ENDPOINT": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret,
            "AWS_SESSION_TOKEN": "",
            "AWS_REGION": REGION,
        }

    def keys(self, url: str) -> list[str]:
        """The keys of the objects under ``url`` (``s3://bucket/prefix``), as the server lists
        them."""
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        pages = (
            self._client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def _client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.key_id,
            aws_secret_access_key=self.secret,
            region_name=REGION,
        )


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """moto's server on 127.0.0.1 (a free port) for the block, signatures checked once the
    user, its key and the bucket exist."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        setup = {"endpoint_url": endpoint, "region_name": REGION}
        setup |= {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="pmo")
        iam.put_user_policy(UserName="pmo", PolicyName="s3", PolicyDocument=json.dumps(ALLOW_S3))
        key = iam.create_access_key(UserName="pmo")["AccessKey"]
        boto3.client("s3", **setup).create_bucket(Bucket=BUCKET)
        _authenticate_from(endpoint, 0)
        try:
            yield S3Server(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        finally:
            _authenticate_from(endpoint, float("inf"))  # moto's setting is the process's
    finally:
        server.stop()


def _authenticate_from(endpoint: str, request_count: float) -> None:
    """moto checks credentials only from its ``request_count``-th request on."""
    requests.post(f"{endpoint}/moto-api/reset-auth", data=str(request_count), timeout=10)
