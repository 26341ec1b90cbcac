"""站内信 in the portal (the recipient's own) and the outbox in the back office."""

from __future__ import annotations

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import mask_phone
from housing.backoffice.listing import Column, ScopedListView

from .models import Channel, Message, MessageStatus
from .selectors import outbox_list, site_message_get_for_user, site_message_list, unread_site_message_count
from .services import message_mark_read

PORTAL_LOGIN = "portal:login"


@login_required(login_url=PORTAL_LOGIN)
def portal_message_list(request):
    """我的消息: my 站内信, unread in bold."""
    page = Paginator(site_message_list(user=request.user), 20).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "unread_count": unread_site_message_count(user=request.user),
        "title": _("我的消息"),
    }
    return render(request, "notify/portal_message_list.html", context)


@login_required(login_url=PORTAL_LOGIN)
def portal_message_detail(request, pk: int):
    """Opening a message marks it read."""
    message = site_message_get_for_user(user=request.user, pk=pk)
    message_mark_read(message=message, actor=request.user)
    return render(
        request, "notify/portal_message_detail.html", {"message": message, "title": message.subject}
    )


def _masked_address(message: Message) -> str:
    if message.channel == Channel.SMS:
        return mask_phone(message.address)
    if message.channel == Channel.EMAIL and "@" in message.address:
        local, domain = message.address.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return ""


class OutboxFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("发送渠道"), choices=Channel.choices)
    status = django_filters.ChoiceFilter(label=_("发送状态"), choices=MessageStatus.choices)

    class Meta:
        model = Message
        fields = ["channel", "status"]


class OutboxListView(ScopedListView):
    """消息发件箱: every message the system sent or tried to send (city-level staff)."""

    permission_required = "notify.view_message"
    title = _("消息发件箱")
    columns = [
        Column(_("创建时间"), "created_at", sort="created_at"),
        Column(_("发送渠道"), "channel", sort="channel"),
        Column(_("接收人"), lambda m: m.recipient.display_name if m.recipient else ""),
        Column(_("接收地址"), _masked_address),
        Column(_("模板编码"), "template_code", sort="template_code"),
        Column(_("标题"), lambda m: m.subject or m.body[:30]),
        Column(_("发送状态"), "status", sort="status"),
        Column(_("发送次数"), "attempts"),
        Column(_("最近错误"), "last_error"),
        Column(_("发送时间"), "sent_at", sort="sent_at"),
    ]
    search_fields = ("template_code__icontains", "subject__icontains")
    search_placeholder = _("模板编码或标题")
    filterset_class = OutboxFilter
    default_ordering = ("-created_at", "-id")
    export_filename = "消息发件箱"

    def get_base_queryset(self):
        return outbox_list(user=self.request.user)
