"""The production-like stack's files (there is no Docker engine here, so they are read;
tests/production/ runs the same stack without Docker)."""

import importlib
import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = {"migrate", "web", "worker", "beat"}
# The fonts the PDFs are set in (static/css/pdf.css), installed everywhere they render.
FONT_PACKAGES = ["fonts-liberation", "fonts-noto-core", "fonts-noto-cjk", "fonts-noto-color-emoji"]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_every_service_with_a_health_check():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "storage", *APP_SERVICES}
    for name, service in services.items():
        if name != "migrate":  # a one-off job: it runs and exits
            assert "healthcheck" in service, name
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "migrate" in services["migrate"]["command"]
    assert "gunicorn" not in services["migrate"]["command"]
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def test_the_app_keeps_no_files_of_its_own_so_web_and_workers_scale_out():
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert "volumes" not in service, f"{name} keeps files on a volume"
        env = service["environment"]
        for variable in [
            "S3_BUCKET",
            "S3_ENDPOINT_URL",
            "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY",
        ]:
            assert variable in env, (name, variable)
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["DATABASE_URL"].startswith("postgres://")
        assert services[name]["depends_on"]["storage"] == {"condition": "service_healthy"}
    assert "objects:/data" in services["storage"]["volumes"]
    # A host port range, so `--scale web=N` does not collide on one port.
    assert re.fullmatch(r"\d+-\d+:8000", services["web"]["ports"][0])


def test_the_pdf_fonts_are_installed_in_the_image_ci_and_the_set_up_script():
    for path in ["Dockerfile", ".ci/run", "scripts/bootstrap.sh"]:
        text = (ROOT / path).read_text()
        for package in FONT_PACKAGES:
            assert package in text, f"{path} does not install {package}"


def test_every_way_the_web_tier_runs_reads_one_gunicorn_configuration(monkeypatch):
    """The image, the compose file, the production tests and the load test start gunicorn
    with csp_tracker/gunicorn_conf.py, which sizes it from the environment."""
    for path in ["Dockerfile", "docker-compose.yml", "tests/production/conftest.py"]:
        text = (ROOT / path).read_text()
        assert "python:csp_tracker.gunicorn_conf" in text, path
    assert "-c python:csp_tracker.gunicorn_conf" in (ROOT / "tests/load/rush.sh").read_text()
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("WEB_MAX_REQUESTS", "500")
    conf = importlib.reload(importlib.import_module("csp_tracker.gunicorn_conf"))
    assert (conf.workers, conf.max_requests, conf.max_requests_jitter) == (3, 500, 50)
    assert conf.preload_app and conf.worker_class == "sync"
