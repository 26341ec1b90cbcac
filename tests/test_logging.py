"""Production logs: one JSON object per line carrying the request id of the request that logged it."""

from __future__ import annotations

import copy
import importlib
import io
import json
import logging
import logging.config
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

logger = logging.getLogger("housing.tests.logging")


def _view_that_logs(request):
    logger.info("申请已受理", extra={"application": "A-1"})
    return HttpResponse("ok")


# This module is also the URLconf of its tests (pytest.mark.urls below): one view that logs a line.
urlpatterns = [path("logs-a-line/", _view_that_logs)]


@pytest.fixture
def production_logging(monkeypatch):
    """Apply production's LOGGING dict with the console handler writing into a buffer."""
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "housing.example.gov.cn")
    name = "housing.settings.production"
    production = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
    config = copy.deepcopy(production.LOGGING)
    assert config["handlers"]["console"]["formatter"] == "json"
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _json_lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.urls("tests.test_logging")
def test_a_log_line_inside_a_request_is_json_with_the_request_id(client, production_logging):
    response = client.get("/logs-a-line/", headers={"X-Request-ID": "req-7f3a9c"})

    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-7f3a9c"
    lines = [line for line in _json_lines(production_logging) if line.get("name") == logger.name]
    assert len(lines) == 1
    assert lines[0]["request_id"] == "req-7f3a9c"
    assert lines[0]["message"] == "申请已受理"
    assert lines[0]["levelname"] == "INFO"
    assert lines[0]["application"] == "A-1"


@pytest.mark.urls("tests.test_logging")
def test_a_request_without_an_id_gets_one_in_the_response_and_the_log(client, production_logging):
    response = client.get("/logs-a-line/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = [line for line in _json_lines(production_logging) if line.get("name") == logger.name]
    assert line["request_id"] == request_id


@pytest.mark.urls("tests.test_logging")
def test_an_overlong_request_id_is_replaced(client, production_logging):
    response = client.get("/logs-a-line/", headers={"X-Request-ID": "x" * 200})

    assert response["X-Request-ID"] != "x" * 200
    (line,) = [line for line in _json_lines(production_logging) if line.get("name") == logger.name]
    assert line["request_id"] == response["X-Request-ID"]


def test_a_line_outside_any_request_says_so(production_logging):
    logger.warning("批处理开始")
    (line,) = [line for line in _json_lines(production_logging) if line.get("name") == logger.name]
    assert line["request_id"] == "-"
    assert line["message"] == "批处理开始"
