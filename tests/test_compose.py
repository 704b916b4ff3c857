"""The production-like stack (there is no Docker engine here, so its file is checked)."""

from pathlib import Path

import yaml
from django.conf import settings


def test_the_stack_has_every_service_with_a_health_check():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
