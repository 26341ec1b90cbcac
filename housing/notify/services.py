"""Writes of the outbox: render and store messages, deliver them, mark 站内信 read, seed templates."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.documents.sandbox import sandbox_render

from .backends import DeliveryError, get_sms_backend
from .models import Channel, Message, MessageStatus, MessageTemplate

logger = logging.getLogger(__name__)

# One first attempt and five retries (the Celery task's max_retries); then the message is failed.
MAX_ATTEMPTS = 6
# A pending message older than this was lost between commit and the worker (broker down, worker
# restarted): the beat job queues it again.
PENDING_RESEND_AFTER = timedelta(minutes=5)


def _address_for(channel: str, recipient, address: str) -> str:
    if address:
        return address
    if recipient is None:
        return ""
    if channel == Channel.SMS:
        return recipient.phone or ""
    if channel == Channel.EMAIL:
        return recipient.email or ""
    return ""


def _queue_after_commit(message_id: int) -> None:
    from .tasks import send_message

    transaction.on_commit(lambda: send_message.delay(message_id))


@transaction.atomic
def notify_send(
    *,
    template_code: str,
    recipient=None,
    address: str = "",
    context: dict,
    channels: Iterable[str] = ("site",),
) -> list[Message]:
    """Render the notice ``template_code`` for each channel and store it in the outbox.

    The rows belong to the caller's transaction: a rolled-back business action sends nothing.
    Sending is queued after commit. A channel without an address (an SMS to a user with no phone)
    is stored as failed with the reason, so the outbox shows it rather than losing it silently.
    A deactivated template means the administrator stopped that notice: nothing is stored.
    """
    messages: list[Message] = []
    for channel in channels:
        if channel not in Channel.values:
            raise ValidationError(_("未知的发送渠道：%(channel)s") % {"channel": channel})
        template = MessageTemplate.objects.filter(code=template_code, channel=channel).first()
        if template is None:
            raise ValidationError(
                _("消息模板“%(code)s”（%(channel)s）不存在。")
                % {"code": template_code, "channel": Channel(channel).label}
            )
        if not template.is_active:
            logger.info("Message template %s/%s is inactive; nothing sent", template_code, channel)
            continue
        if channel == Channel.SITE and recipient is None:
            raise ValidationError(_("站内信必须指定接收人。"))
        message = Message(
            channel=channel,
            recipient=recipient,
            address=_address_for(channel, recipient, address),
            template_code=template_code,
            subject=sandbox_render(template.subject, context, autoescape=False).strip()[:200],
            body=sandbox_render(template.body, context, autoescape=False).strip(),
        )
        if channel != Channel.SITE and not message.address:
            message.status = MessageStatus.FAILED
            message.last_error = _("接收人没有可用的手机号码或电子邮箱。")
        message.full_clean()
        message.save()
        if message.status == MessageStatus.PENDING:
            _queue_after_commit(message.pk)
        messages.append(message)
    return messages


def _deliver(message: Message) -> None:
    if message.channel == Channel.SMS:
        get_sms_backend().send(phone=message.address, body=message.body)
    elif message.channel == Channel.EMAIL:
        try:
            send_mail(
                message.subject or _("住房保障信息系统通知"),
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                [message.address],
            )
        except OSError as exc:  # smtplib errors are OSError subclasses
            raise DeliveryError(f"邮件发送失败：{exc}") from exc
    # 站内信: storing it was the delivery; the portal shows it.


def message_deliver(*, message_id: int, final_attempt: bool = False) -> Message | None:
    """Send one pending message once; on failure count the attempt and raise ``DeliveryError``.

    The row is locked (skip_locked) for the attempt, so the beat re-send and a task retry never send
    the same message twice at once. After ``MAX_ATTEMPTS`` (or when the caller says it is the last
    attempt) a failure marks the message failed instead of raising. Returns None when there was
    nothing to do (already sent, failed, or being sent by another worker).
    """
    error: DeliveryError | None = None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            _deliver(message)
        except DeliveryError as exc:
            error = exc
            message.last_error = str(exc)[:500]
            if final_attempt or message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                logger.warning("Message %s failed after %s attempts: %s", message.pk, message.attempts, exc)
                error = None
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if error is not None:
        raise error
    return message


def messages_requeue_pending(*, older_than: timedelta = PENDING_RESEND_AFTER, limit: int = 500) -> int:
    """Queue again the pending messages older than ``older_than``; returns how many."""
    from .tasks import send_message

    cutoff = timezone.now() - older_than
    ids = list(
        Message.objects.filter(status=MessageStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)


def message_mark_read(*, message: Message, actor) -> Message:
    """The recipient opened a 站内信: record the first reading time."""
    if message.recipient_id != actor.pk:
        raise ValidationError(_("只能阅读发给自己的消息。"))
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


# The notices the platform sends; administrators may reword them in the admin (sync keeps edits).
# Context of the workflow notices: name, case_title, node_name, due_date (text).
DEFAULT_TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "workflow.node_opened",
        Channel.SITE,
        "新待办",
        "【新待办】{{ case_title }} · {{ node_name }}",
        "您有一项新的待办“{{ node_name }}”（{{ case_title }}），办理期限：{{ due_date|default:'不限' }}。",
    ),
    (
        "workflow.node_due",
        Channel.SITE,
        "办理时限提醒",
        "【办理提醒】{{ node_name }}即将到期",
        "您好，{{ name }}：\n“{{ case_title }}”的“{{ node_name }}”环节将于{{ due_date }}到期，请及时办理。",
    ),
    (
        "workflow.node_due",
        Channel.SMS,
        "办理时限提醒（短信）",
        "",
        "【住房保障】“{{ case_title }}”的“{{ node_name }}”环节将于{{ due_date }}到期，请及时办理。",
    ),
    (
        "workflow.node_overdue",
        Channel.SITE,
        "超期提醒",
        "【超期】{{ node_name }}已超过办理时限",
        "您好，{{ name }}：\n“{{ case_title }}”的“{{ node_name }}”环节已于{{ due_date }}到期，目前已超期，请尽快办理。",
    ),
    (
        "workflow.node_overdue",
        Channel.SMS,
        "超期提醒（短信）",
        "",
        "【住房保障】“{{ case_title }}”的“{{ node_name }}”环节已超期（时限{{ due_date }}），请尽快办理。",
    ),
    (
        "account.registered",
        Channel.SITE,
        "注册成功",
        "欢迎使用住房保障服务平台",
        "{{ name }}，您好！您的账号已注册成功。您可以在线查询政策、提交保障申请并查看办理进度。",
    ),
    (
        "account.registered",
        Channel.SMS,
        "注册成功（短信）",
        "",
        "【住房保障】{{ name }}，您已成功注册住房保障服务平台账号。",
    ),
    (
        "portal.sms_code",
        Channel.SMS,
        "短信验证码",
        "",
        "【住房保障】您的验证码为{{ code }}，{{ minutes|default:5 }}分钟内有效。请勿向他人泄露。",
    ),
)


def notify_templates_sync() -> list:
    """Create the default message templates that are missing; an administrator's edits are kept.

    Idempotent; used by migrations of a fresh database, by ``seed_demo`` and by tests.
    Returns [] (nothing for seed_demo to print).
    """
    for code, channel, name, subject, body in DEFAULT_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )
    return []
