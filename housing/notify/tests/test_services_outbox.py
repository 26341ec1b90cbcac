"""The outbox: rendered in the caller's transaction, sent after commit, retried, then failed."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from housing.notify.backends import DeliveryError, HttpGatewaySmsBackend
from housing.notify.models import Channel, Message, MessageStatus, MessageTemplate
from housing.notify.services import MAX_ATTEMPTS, messages_requeue_pending, notify_send, notify_templates_sync

pytestmark = pytest.mark.django_db


class _Gateway(BaseHTTPRequestHandler):
    """A stand-in SMS gateway on 127.0.0.1: records each request, answers with ``status``."""

    status = 200
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 — http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append(
            {"key": self.headers.get("X-Api-Key"), "json": json.loads(self.rfile.read(length))}
        )
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """Yields (url, handler class); the server runs in a thread and stops after the test."""

    class Handler(_Gateway):
        status = 200
        received: list[dict] = []

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms", Handler
    finally:
        server.shutdown()
        server.server_close()


def test_default_templates_are_seeded_once():
    notify_templates_sync()
    notify_templates_sync()
    codes = set(MessageTemplate.objects.values_list("code", flat=True))
    assert {"workflow.node_due", "workflow.node_overdue", "account.registered", "portal.sms_code"} <= codes
    assert MessageTemplate.objects.filter(code="portal.sms_code", channel=Channel.SMS).count() == 1


def test_sync_keeps_an_administrators_rewording():
    notify_templates_sync()
    MessageTemplate.objects.filter(code="portal.sms_code").update(body="验证码：{{ code }}")
    notify_templates_sync()
    assert MessageTemplate.objects.get(code="portal.sms_code").body == "验证码：{{ code }}"


def test_site_message_is_stored_and_sent_only_after_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (message,) = notify_send(
            template_code="account.registered", recipient=citizen, context={"name": "李市民"}
        )
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING  # nothing sent inside the transaction
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.subject == "欢迎使用住房保障服务平台"
    assert "李市民，您好" in message.body


def test_rolled_back_business_action_sends_nothing(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_send(template_code="account.registered", recipient=citizen, context={"name": "李市民"})
            raise RuntimeError("业务失败")
    assert callbacks == []
    assert not Message.objects.exists()


def test_sms_goes_to_the_recipients_phone_through_the_logging_backend(
    citizen, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify_send(
            template_code="portal.sms_code", recipient=citizen, context={"code": "246810"}, channels=("sms",)
        )
    message.refresh_from_db()
    assert message.address == "13900000002"
    assert message.status == MessageStatus.SENT
    assert "139****0002" in caplog.text and "246810" in caplog.text
    assert "13900000002" not in caplog.text


def test_email_is_sent_with_django_mail(citizen, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MessageTemplate.objects.create(
        code="test.email",
        channel=Channel.EMAIL,
        name="测试",
        subject="您好 {{ name }}",
        body="正文 {{ name }}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_send(
            template_code="test.email",
            address="li@example.cn",
            context={"name": "李市民"},
            channels=("email",),
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "您好 李市民"
    assert mail.outbox[0].to == ["li@example.cn"]
    assert Message.objects.get().status == MessageStatus.SENT


def test_sms_without_a_phone_is_recorded_as_failed_not_lost(staff_without_phone):
    (message,) = notify_send(
        template_code="workflow.node_due",
        recipient=staff_without_phone,
        context={"case_title": "张三的申请", "node_name": "街道初审", "due_date": "2026-03-02"},
        channels=("sms",),
    )
    assert message.status == MessageStatus.FAILED
    assert "没有可用的手机号码" in message.last_error


def test_unknown_template_is_refused_with_a_chinese_message(citizen):
    with pytest.raises(ValidationError, match="不存在"):
        notify_send(template_code="no.such", recipient=citizen, context={})


def test_deactivated_template_sends_nothing(citizen):
    MessageTemplate.objects.filter(code="account.registered").update(is_active=False)
    assert notify_send(template_code="account.registered", recipient=citizen, context={"name": "x"}) == []
    assert not Message.objects.exists()


def test_template_with_a_syntax_error_is_refused_on_save():
    template = MessageTemplate(code="bad", channel=Channel.SITE, name="坏模板", body="{% if %}")
    with pytest.raises(ValidationError) as excinfo:
        template.full_clean()
    assert "模板语法错误" in str(excinfo.value)


def test_templates_cannot_load_tags_or_reach_models(citizen):
    template = MessageTemplate(code="x", channel=Channel.SITE, name="x", body="{% load static %}")
    with pytest.raises(ValidationError):
        template.full_clean()
    MessageTemplate.objects.create(
        code="probe", channel=Channel.SITE, name="探测", body="[{{ user.password }}][{{ user.phone }}]"
    )
    (message,) = notify_send(template_code="probe", recipient=citizen, context={"user": citizen})
    # The model became its text before rendering: no attribute (and no query) is reachable.
    assert message.body == "[][]"


def test_http_gateway_posts_json_with_the_key(gateway, settings):
    url, handler = gateway
    HttpGatewaySmsBackend(url=url, key="secret-key", timeout=5).send(
        phone="13800001111", body="【住房保障】测试"
    )
    assert handler.received == [
        {"key": "secret-key", "json": {"phone": "13800001111", "content": "【住房保障】测试"}}
    ]


def test_http_gateway_error_raises_delivery_error(gateway):
    url, handler = gateway
    handler.status = 503
    with pytest.raises(DeliveryError, match="503"):
        HttpGatewaySmsBackend(url=url, key="k", timeout=5).send(phone="13800001111", body="x")


def test_failing_gateway_is_retried_then_marked_failed(
    citizen, gateway, settings, django_capture_on_commit_callbacks, eager_retries
):
    url, handler = gateway
    handler.status = 500
    settings.SMS_BACKEND = "housing.notify.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = url
    settings.SMS_GATEWAY_KEY = "k"
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify_send(
            template_code="portal.sms_code", recipient=citizen, context={"code": "1234"}, channels=("sms",)
        )
    message.refresh_from_db()
    # Eager Celery runs the retries at once: the first attempt and five retries all hit the gateway.
    assert len(handler.received) == MAX_ATTEMPTS
    assert message.attempts == MAX_ATTEMPTS
    assert message.status == MessageStatus.FAILED
    assert "500" in message.last_error


def test_gateway_recovering_during_retries_sends_the_message(
    citizen, gateway, settings, django_capture_on_commit_callbacks, monkeypatch, eager_retries
):
    url, handler = gateway
    settings.SMS_BACKEND = "housing.notify.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = url
    calls = {"n": 0}
    original = HttpGatewaySmsBackend.send

    def flaky(self, *, phone, body):
        calls["n"] += 1
        if calls["n"] < 3:
            raise DeliveryError("网关繁忙")
        return original(self, phone=phone, body=body)

    monkeypatch.setattr(HttpGatewaySmsBackend, "send", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = notify_send(
            template_code="portal.sms_code", recipient=citizen, context={"code": "1234"}, channels=("sms",)
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 3
    assert len(handler.received) == 1


def test_beat_job_resends_pending_messages_older_than_a_few_minutes(citizen):
    (old,) = notify_send(template_code="account.registered", recipient=citizen, context={"name": "a"})
    (fresh,) = notify_send(template_code="account.registered", recipient=citizen, context={"name": "b"})
    from datetime import timedelta

    from django.utils import timezone

    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    # No commit happened in this test transaction, so only the beat job can send them.
    assert messages_requeue_pending() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == MessageStatus.SENT
    assert fresh.status == MessageStatus.PENDING


@pytest.fixture
def eager_retries():
    """Eager Celery re-raises a retry when it propagates errors; let it run the retries in-process."""
    from housing.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


@pytest.fixture
def staff_without_phone(make_staff):
    from conftest import STREET_A1

    return make_staff("nophone", [("street_caseworker", STREET_A1)], is_staff=True)
