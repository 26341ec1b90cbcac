#!/usr/bin/env bash
# The whole suite: system packages and services, virtualenv, lint, checks, migrations, pytest
# on PostgreSQL with Redis, browser tests in headless Chromium. Extra arguments go to pytest.
bash "$(dirname "$0")/system-deps.sh"
source "$(dirname "$0")/_env.sh"
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/housing}"
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}"
export DJANGO_SETTINGS_MODULE=housing.settings.test
echo "==> ruff"
ruff check .
echo "==> manage.py check"
python manage.py check --fail-level WARNING
echo "==> makemigrations --check"
python manage.py makemigrations --check --dry-run
echo "==> check --deploy (production settings)"
DJANGO_SETTINGS_MODULE=housing.settings.production SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | base64)" \
  ALLOWED_HOSTS=housing.example.gov.cn python manage.py check --deploy --fail-level WARNING
echo "==> pytest"
# Two workers (pytest-xdist, one test database each): the suite's browser, PDF and demo tests keep
# a serial run near 25 minutes on two cores; PYTEST_WORKERS=0 runs it serially.
exec python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
