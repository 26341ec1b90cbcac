"""The production description: docker-compose.yml and the Dockerfile (no Docker engine runs here,
so they are read as data), and Django's deployment checks under production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _environment(service: dict) -> dict[str, str]:
    """A service's environment whichever of compose's two spellings (mapping or KEY=value list) it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _volume_targets(service: dict) -> dict[str, str]:
    targets = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume["source"], volume["target"]
        targets[target] = source
    return targets


def test_compose_has_exactly_the_five_services(services):
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile(services):
    builds = [services[name]["build"] for name in APP_SERVICES]
    images = [services[name]["image"] for name in APP_SERVICES]
    assert builds[0] == builds[1] == builds[2]
    assert images[0] == images[1] == images[2]
    build = builds[0]
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    context = build.get("context", ".") if isinstance(build, dict) else build
    assert (ROOT / context / dockerfile).is_file()


def test_each_app_service_runs_its_own_process(services):
    assert "gunicorn housing.wsgi" in services["web"]["command"]
    assert re.search(r"celery -A housing worker\b", services["worker"]["command"])
    assert re.search(r"celery -A housing beat\b", services["beat"]["command"])


def test_beat_runs_exactly_one_replica(services):
    assert services["beat"]["deploy"]["replicas"] == 1
    # A second scheduler would send every periodic task twice; nothing may scale it implicitly.
    assert "scale" not in services["beat"]


def test_postgres_15_and_redis_7_have_healthchecks(services):
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert "ping" in str(services["redis"]["healthcheck"]["test"])


def test_web_waits_for_healthy_postgres_and_redis(services):
    depends = services["web"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_web_healthcheck_probes_readiness(services):
    assert "/readyz" in str(services["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_required_variable_reaches_each_app_service(services, name):
    env = _environment(services[name])
    missing = [var for var in REQUIRED_ENV if not env.get(var)]
    assert not missing, f"{name} lacks {missing}"
    assert env["DJANGO_SETTINGS_MODULE"] == "housing.settings.production"
    # Secrets are never written into the file: they come from .env or the environment.
    assert env["SECRET_KEY"].startswith("${")


@pytest.mark.parametrize("name", ("web", "worker"))
def test_media_root_is_on_a_named_volume(compose, services, name):
    media_root = _environment(services[name])["MEDIA_ROOT"]
    source = _volume_targets(services[name]).get(media_root)
    assert source in compose["volumes"], f"{name}: MEDIA_ROOT {media_root} is not on a named volume"


def test_dockerfile_installs_cjk_fonts_and_pango_on_python_311():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic" in dockerfile


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".git", ".venv", "var"):
        assert entry in ignored


def test_check_deploy_with_production_settings_gives_no_warning(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "housing.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "housing.example.gov.cn",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_collectstatic_with_the_production_storage_succeeds(tmp_path):
    """The image runs collectstatic with hashed names: every file a stylesheet or script refers to
    (source maps included) must exist, or the build stops."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "housing.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "housing.example.gov.cn",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
