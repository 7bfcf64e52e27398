"""A real S3-API server on loopback for the object-storage tests: moto's standalone server.

    with s3_server(log_dir) as s3:        # s3.endpoint = "http://127.0.0.1:P"
        s3.make_bucket("fieldapp-photos")
        env = s3.environ()                # AWS_* variables for a `fieldapp serve` process
        client = s3.client()              # a boto3 client for the test's own checks

moto implements the S3 REST API over HTTP (signatures, conditional writes, paginated
listings), so the store under test talks the same protocol it would to MinIO or AWS.
"""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .live_server import free_port

ACCESS_KEY = "fieldapp-test"
SECRET_KEY = "fieldapp-test-secret"  # moto accepts any credentials; real ones never appear in tests
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def environ(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name


@contextlib.contextmanager
def s3_server(log_dir: Path, *, timeout: float = 30.0) -> Iterator[S3Server]:
    port = free_port()
    log_path = Path(log_dir) / "moto.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_CALL_RESET_API": "false"},
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto did not answer") from None
                time.sleep(0.1)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
