"""Writes of 轮候 in allocation: refusals counted towards the limit, removal with a notice, leave events.

``waitlist_refusal_record`` is what flat selection calls when a family refuses an offered unit or is absent;
``waitlist_event_record`` is what contracts call when a family is housed (and anyone whose step takes a family
off the list). A removal also exits the family's registry entry (保障退出): a family that lost its place is no
longer waiting for anything, and the registry, the waitlist and the portal then all say the same thing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, WaitlistEntry, WaitlistStatus
from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record

from .models import RefusalKind, WaitlistEvent, WaitlistEventKind, WaitlistRefusal

ADD_REFUSAL_PERMISSION = "allocation.add_waitlistrefusal"
REFUSAL_TEMPLATE = "allocation.waitlist_refusal"
REMOVED_TEMPLATE = "allocation.waitlist_removed"
DEFAULT_REFUSAL_LIMIT = 3
DEFAULT_WAITING_YEARS = 5


def refusal_limit() -> int:
    """累计拒绝选房次数上限 (setting ``ALLOCATION_REFUSAL_LIMIT``, default 3; never below 1)."""
    return max(1, int(getattr(settings, "ALLOCATION_REFUSAL_LIMIT", DEFAULT_REFUSAL_LIMIT)))


def waiting_years() -> int:
    """轮候期限 in years (setting ``ALLOCATION_WAITING_YEARS``, default 5)."""
    return max(1, int(getattr(settings, "ALLOCATION_WAITING_YEARS", DEFAULT_WAITING_YEARS)))


# --- notices (reference data seeded in code; administrators may reword them) ----------------------------

MESSAGE_TEMPLATES = (
    (
        REFUSAL_TEMPLATE,
        "site",
        "拒绝选房记录通知",
        "【轮候】拒绝选房记录 {{ waitlist_number }}",
        "{{ name }}，您好！您家庭（轮候编号 {{ waitlist_number }}）于{{ on_date }}被记录“{{ kind }}”"
        "{% if source %}（{{ source }}）{% endif %}，原因：{{ reason }}。这是第 {{ count }} 次，"
        "累计 {{ limit }} 次将退出轮候，还剩 {{ remaining }} 次。如有异议，请及时与住房保障中心联系。",
    ),
    (
        REFUSAL_TEMPLATE,
        "sms",
        "拒绝选房记录通知（短信）",
        "",
        "【住房保障】{{ name }}，您家庭（轮候编号{{ waitlist_number }}）第{{ count }}次{{ kind }}已记录，"
        "累计{{ limit }}次将退出轮候。",
    ),
    (
        REMOVED_TEMPLATE,
        "site",
        "退出轮候通知",
        "【轮候】退出轮候通知 {{ waitlist_number }}",
        "{{ name }}，您好！您家庭（轮候编号 {{ waitlist_number }}）已累计 {{ count }} 次拒绝选房或缺席选房，"
        "达到规定的 {{ limit }} 次，自{{ on_date }}起退出轮候，登记簿同时记为退出保障。"
        "最后一次：{{ kind }}{% if source %}（{{ source }}）{% endif %}，原因：{{ reason }}。"
        "如有异议，请持本通知向住房保障中心提出。",
    ),
    (
        REMOVED_TEMPLATE,
        "sms",
        "退出轮候通知（短信）",
        "",
        "【住房保障】{{ name }}，您家庭（轮候编号{{ waitlist_number }}）已累计{{ count }}次拒绝或缺席选房，"
        "自{{ on_date }}起退出轮候。详情请登录住房保障服务平台查看。",
    ),
)


def waitlist_message_templates_sync() -> None:
    """The SMS / 站内信 wordings of this part; idempotent (an administrator's edits are kept)."""
    from housing.notify.models import MessageTemplate

    for code, channel, name, subject, body in MESSAGE_TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, channel=channel, defaults={"name": name, "subject": subject, "body": body}
        )


def _notify_family(entry: WaitlistEntry, *, template_code: str, context: dict[str, Any]) -> None:
    """SMS to the family's phone and a 站内信 to its portal account; stored now, sent after commit."""
    from admission.registry.notices import notify_applicant

    waitlist_message_templates_sync()
    notify_applicant(family=entry.registry_entry.family, template_code=template_code, context=context)


# --- events -------------------------------------------------------------------------------------------


def waitlist_event_record(*, entry: WaitlistEntry, kind: str, actor, reason: str = "") -> WaitlistEvent:
    """One leave event of a waitlist entry (已配租配售, 撤回申请, 移出轮候, 退出轮候), for the family to read.

    Call it in the same transaction as the step that takes the family off the list (contracts call it with
    ``kind="housed"`` when they start the guarantee). It records; it does not change the entry's status.
    """
    if kind not in WaitlistEventKind.values:
        raise ValidationError({"kind": _("未知的轮候变动类别：%(kind)s") % {"kind": kind}})
    event = WaitlistEvent(
        entry=entry,
        region_code=entry.region_code,
        kind=kind,
        reason=(reason or "").strip()[:500],
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    event.full_clean()
    event.save()
    return event


# --- refusals -----------------------------------------------------------------------------------------


def _check_actor(actor, entry: WaitlistEntry) -> None:
    if not code_in_scope(actor, entry.region_code):
        raise PermissionDenied
    if not actor.has_perm(ADD_REFUSAL_PERMISSION):
        raise PermissionDenied(_("您没有记录拒绝选房的权限。"))


@transaction.atomic
def waitlist_refusal_record(
    *, entry: WaitlistEntry, actor, reason: str, kind: str = "refused", source: str = ""
) -> WaitlistRefusal:
    """Record one refused offer (``refused``: 拒绝选房/拒绝配租) or absence (``absent``: 缺席/逾期未选).

    The family's refusals are counted; the one that reaches ``ALLOCATION_REFUSAL_LIMIT`` removes the
    family: the registry entry exits (保障退出) with the reason, which turns the waitlist entry
    已退出轮候; a 移出 event is recorded and the family gets a notice (站内信 + SMS). Every other refusal
    sends a notice saying how many remain. Raises ``ValidationError`` when the family is not waiting.
    """
    _check_actor(actor, entry)
    if kind not in RefusalKind.values:
        raise ValidationError({"kind": _("请选择拒绝类别（拒绝选房或缺席）。")})
    # One family's refusals are counted one at a time (the family and registry rows are not locked here).
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("registry_entry__family")
        .get(pk=entry.pk)
    )
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError(
            _("轮候编号 %(number)s 的家庭当前为“%(status)s”，不在轮候中，不能记录拒绝选房。")
            % {"number": entry.waitlist_number, "status": entry.get_status_display()}
        )
    if entry.registry_entry.status != GuaranteeStatus.WAITING:
        raise ValidationError(
            _("该家庭的登记簿状态为“%(status)s”，不在轮候中，不能记录拒绝选房。")
            % {"status": entry.registry_entry.get_status_display()}
        )
    reason = (reason or "").strip() or str(RefusalKind(kind).label)
    limit = refusal_limit()
    count = WaitlistRefusal.objects.filter(entry=entry).count() + 1
    refusal = WaitlistRefusal(
        entry=entry,
        region_code=entry.region_code,
        kind=kind,
        reason=reason[:500],
        source=(source or "").strip()[:100],
        sequence=count,
        caused_removal=count >= limit,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    refusal.full_clean()
    refusal.save()
    audit_record(
        action=AuditAction.CREATE,
        obj=refusal,
        actor=actor,
        description=_("记录第%(n)s次%(kind)s：%(reason)s")
        % {"n": count, "kind": refusal.get_kind_display(), "reason": refusal.reason},
    )
    context = {
        "waitlist_number": entry.waitlist_number,
        "kind": refusal.get_kind_display(),
        "reason": refusal.reason,
        "source": refusal.source,
        "count": count,
        "limit": limit,
        "remaining": max(limit - count, 0),
        "on_date": _chinese_date(refusal.recorded_at),
    }
    if refusal.caused_removal:
        _remove(entry, actor=actor, refusal=refusal, limit=limit)
        _notify_family(entry, template_code=REMOVED_TEMPLATE, context=context)
    else:
        _notify_family(entry, template_code=REFUSAL_TEMPLATE, context=context)
    return refusal


def removal_reason(*, count: int, limit: int) -> str:
    return _("累计%(count)s次拒绝选房或缺席（上限%(limit)s次），移出轮候。") % {
        "count": count,
        "limit": limit,
    }


def _remove(entry: WaitlistEntry, *, actor, refusal: WaitlistRefusal, limit: int) -> None:
    """移出轮候: the registry entry exits (which turns the waitlist entry 已退出轮候) and the event is kept.

    The exit is recorded under the person who recorded the refusal when they may change the registry
    (the city centre); otherwise under the system actor, since the removal follows from the rule alone.
    """
    from admission.registry.services import registry_entry_exit
    from housing.accounts.system import system_actor

    reason = removal_reason(count=refusal.sequence, limit=limit)
    exit_actor = actor if actor.has_perm("admission.change_registryentry") else system_actor()
    registry_entry_exit(
        entry=entry.registry_entry, actor=exit_actor, reason=reason, exited_at=refusal.recorded_at
    )
    waitlist_event_record(entry=entry, kind=WaitlistEventKind.REMOVED, actor=actor, reason=reason)
    entry.refresh_from_db(fields=["status", "status_changed_at"])


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, actor, reason: str) -> WaitlistEvent:
    """撤回申请: the family gives up its place in writing; the registry entry exits with the reason."""
    from admission.registry.services import registry_entry_exit

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤回原因（如：申请人书面申请放弃轮候）。")})
    if not code_in_scope(actor, entry.region_code):
        raise PermissionDenied
    if not actor.has_perm("admission.change_registryentry"):
        raise PermissionDenied(_("您没有变更保障状态的权限。"))
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("registry_entry")
        .get(pk=entry.pk)
    )
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError(
            _("该家庭当前为“%(status)s”，不在轮候中。") % {"status": entry.get_status_display()}
        )
    registry_entry_exit(entry=entry.registry_entry, actor=actor, reason=_("撤回申请：%(r)s") % {"r": reason})
    return waitlist_event_record(entry=entry, kind=WaitlistEventKind.WITHDREW, actor=actor, reason=reason)


def _chinese_date(moment) -> str:
    day = timezone.localtime(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"
