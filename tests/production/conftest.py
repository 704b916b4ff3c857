"""The production stack, started as production runs it, for the tests of this folder:

- settings ``csp_tracker.settings.production`` (DEBUG off), from environment variables;
- ``collectstatic`` with the manifest storage (hashed names, whitenoise) into a
  temporary STATIC_ROOT;
- a fresh PostgreSQL database (next to the one DATABASE_URL names), migrated, with the
  Kent demo data (``load_demo``);
- a Redis of its own, a real Celery worker and Celery beat;
- an S3-compatible bucket (SeaweedFS) for the files the app writes;
- gunicorn on a free port of 127.0.0.1, serving HTTPS with a certificate made here (the
  session and CSRF cookies are Secure in production, as behind the real TLS proxy).

Everything is stopped (whole process groups) and removed afterwards, the database too.
Without PostgreSQL, Redis, SeaweedFS or openssl the tests skip saying so; in CI
(CSP_REQUIRE_SERVICES) they fail.
"""

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
import psycopg
import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.loader import demo_password, demo_two_factor_key
from tests import servers
from tests.accounts.two_factor import app_code
from tests.production.client import Browser


@dataclass
class Stack:
    url: str
    certificate: str
    secret_key: str
    bucket: str
    s3: servers.S3Server
    media_root: Path
    processes: dict[str, servers.Process]
    # Seconds each step took, written to test-artifacts/ at the end.
    timings: dict[str, float]

    def browser(self) -> Browser:
        return Browser(self.url, certificate=self.certificate, authenticator=self.app_code)

    def password(self, email: str) -> str:
        """The demo password load_demo gave ``email`` (derived from the stack's key)."""
        with override_settings(SECRET_KEY=self.secret_key):
            return demo_password(email)

    def app_code(self, email: str) -> str:
        """What the demo authenticator app load_demo set up for ``email`` shows now."""
        with override_settings(SECRET_KEY=self.secret_key):
            key = demo_two_factor_key(email)
        return app_code(TOTPDevice(key=key))

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.tail(60)}" for p in self.processes.values())


def _postgres() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        servers.missing(
            "The production stack needs PostgreSQL: set DATABASE_URL=postgres://… (the stack "
            "makes a database of its own next to it)"
        )
    config = environ.Env.db_url_config(url)
    try:
        psycopg.connect(**_connect(config, "postgres"), connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        servers.missing(f"PostgreSQL at {config.get('HOST')}:{config.get('PORT')}: {exc}")
    return config


def _connect(config: dict[str, Any], dbname: str) -> dict[str, Any]:
    keys = {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}
    options = {key: config[name] for name, key in keys.items() if config.get(name)}
    return {**options, "dbname": dbname}


def _database_url(config: dict[str, Any], name: str) -> str:
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _recreate_database(config: dict[str, Any], name: str, *, create: bool) -> None:
    with psycopg.connect(**_connect(config, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _certificate(directory: Path) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        servers.missing("openssl is needed to make the stack's HTTPS certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(cert), str(key)


def _run(name: str, argv: list[str], env: dict[str, str], logs: Path) -> servers.Process:
    return servers.start(name, [sys.executable, *argv], logs=logs, env=env, cwd=settings.BASE_DIR)


def _finish(process: servers.Process, *, timeout: float, timings: dict[str, float]) -> None:
    try:
        process.popen.wait(timeout)
    except subprocess.TimeoutExpired:
        process.stop()
        pytest.fail(f"{process.name} took more than {timeout:.0f} s:\n{process.tail()}")
    if process.popen.returncode != 0:
        pytest.fail(f"{process.name} failed ({process.popen.returncode}):\n{process.tail()}")
    timings[process.name] = round(time.monotonic() - process.started, 1)


@pytest.fixture(scope="module")
def stack(s3_server: servers.S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = time.monotonic()
    timings: dict[str, float] = {}
    config = _postgres()
    directory = tmp_path_factory.mktemp("stack")
    logs = directory / "logs"
    certificate, key = _certificate(directory)
    redis = servers.redis_server(directory / "redis")
    processes: dict[str, servers.Process] = {"redis": redis.process}
    # Its own name per pytest-xdist worker, as pytest-django names the test databases.
    database = f"{config['NAME']}_stack_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    bucket = s3_server.new_bucket("stack")
    port = servers.free_port()
    secret_key = secrets.token_urlsafe(50)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CSP_", "S3_"))},
        "DJANGO_SETTINGS_MODULE": "csp_tracker.settings.production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(config, database),
        "REDIS_URL": redis.url,
        "STATIC_ROOT": str(directory / "static"),
        "MEDIA_ROOT": str(directory / "media"),
        "CSP_SITE_URL": f"https://127.0.0.1:{port}",
        # The demo data is the real 2023/24 year: its "today" (as `make run` has it).
        "CSP_TODAY": "2024-01-15",
        # Mail is another branch's concern here: it is written to the worker's log.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        **s3_server.env(bucket),
    }
    # Each process writes the bytecode it compiles, so the next ones start faster.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _recreate_database(config, database, create=True)
    try:
        # collectstatic alongside migrate and load_demo: the report builds that
        # load_demo queues wait in Redis for the worker, started once both are done.
        collect = _run("collectstatic", ["manage.py", "collectstatic", "--noinput"], env, logs)
        migrate = _run("migrate", ["manage.py", "migrate", "--noinput"], env, logs)
        processes.update(collectstatic=collect, migrate=migrate)
        _finish(migrate, timeout=300, timings=timings)
        demo = _run("load_demo", ["manage.py", "load_demo"], env, logs)
        processes["load_demo"] = demo
        _finish(demo, timeout=300, timings=timings)
        _finish(collect, timeout=300, timings=timings)
        processes["gunicorn"] = _run(
            "gunicorn",
            [
                "-m",
                "gunicorn",
                # The image's settings (the app loaded once and forked), sized here.
                "-c",
                "python:csp_tracker.gunicorn_conf",
                "csp_tracker.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                f"--certfile={certificate}",
                f"--keyfile={key}",
                "--access-logfile=-",
                "--graceful-timeout=5",
            ],
            env,
            logs,
        )
        processes["worker"] = _run(
            "worker",
            ["-m", "celery", "-A", "csp_tracker", "worker", "--loglevel=info", "--concurrency=2"],
            env,
            logs,
        )
        schedule = directory / "celerybeat-schedule"
        processes["beat"] = _run(
            "beat",
            [
                "-m",
                "celery",
                "-A",
                "csp_tracker",
                "beat",
                "--loglevel=info",
                f"--schedule={schedule}",
            ],
            env,
            logs,
        )
        watch = [processes[name] for name in ("gunicorn", "worker", "beat", "redis")]
        servers.wait_for(lambda: servers.port_open(port), what="gunicorn", timeout=120, watch=watch)
        servers.wait_for(
            lambda: " ready." in processes["worker"].log.read_text(),
            what="the Celery worker",
            timeout=120,
            watch=watch,
        )
        servers.wait_for(
            lambda: "beat: Starting" in processes["beat"].log.read_text(),
            what="Celery beat",
            timeout=120,
            watch=watch,
        )
        timings["servers up"] = round(time.monotonic() - processes["gunicorn"].started, 1)
        timings["setup"] = round(time.monotonic() - started, 1)
        yield Stack(
            url=f"https://127.0.0.1:{port}",
            certificate=certificate,
            secret_key=secret_key,
            bucket=bucket,
            s3=s3_server,
            media_root=directory / "media",
            processes=processes,
            timings=timings,
        )
    finally:
        # Redis last, so the worker and beat shut down cleanly.
        stopping = time.monotonic()
        servers.stop_all([p for name, p in processes.items() if name != "redis"])
        redis.process.stop()
        timings["stop"] = round(time.monotonic() - stopping, 1)
        _recreate_database(config, database, create=False)
        shutil.rmtree(directory / "static", ignore_errors=True)
        timings["total with teardown"] = round(time.monotonic() - started, 1)
        artifacts = Path(settings.BASE_DIR) / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "production-stack-timings.txt").write_text(
            "".join(f"{step}: {seconds} s\n" for step, seconds in timings.items())
        )
