"""异议 of a month's subsidy: the applicant raises it from the portal with evidence (filed in the archive,
一事一档, checked by content), the back office sees it on the due row and answers; each step an event row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from .models import (
    REVIEW_PERMISSION,
    SubsidyDue,
    SubsidyObjection,
    SubsidyObjectionEvent,
    SubsidyObjectionState,
)

OBJECTIONS_PER_DAY = 3


@transaction.atomic
def subsidy_objection_submit(
    *, due: SubsidyDue, applicant, content: str, evidence: Iterable = ()
) -> SubsidyObjection:
    """提出异议 on one of the applicant's own months (the portal checks ownership; this refuses staff)."""
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload

    if not getattr(applicant, "is_applicant", False):
        raise PermissionDenied(_("请使用申请人账号登录后提出异议。"))
    content = (content or "").strip()
    if len(content) < 5:
        raise ValidationError({"content": _("请写明异议的具体内容（至少 5 个字）。")})
    since = timezone.now() - datetime.timedelta(days=1)
    if (
        SubsidyObjection.objects.filter(applicant=applicant, created_at__gte=since).count()
        >= OBJECTIONS_PER_DAY
    ):
        raise ValidationError(
            _("同一账号 24 小时内最多提出 %(n)s 次补贴异议，请明天再试或到经办窗口反映。")
            % {"n": OBJECTIONS_PER_DAY}
        )
    objection = SubsidyObjection.objects.create(
        number=f"YY-TMP-{timezone.now().timestamp()}", due=due, applicant=applicant, content=content,
        region_code=due.region_code,
    )  # fmt: skip
    objection.number = f"BTYY{timezone.localdate():%Y%m}{objection.pk:06d}"
    objection.save(update_fields=["number"])
    SubsidyObjectionEvent.objects.create(
        objection=objection, from_state="", to_state=SubsidyObjectionState.PENDING, actor=applicant
    )
    # The applicant is not staff and has no archive scope: filed by the system actor, as the portal's
    # online objection to a publicity does; the owner link says whose it is.
    for upload in evidence:
        try:
            document_upload(
                actor=system_actor(), upload=upload, name=_("补贴异议证据：%(name)s") % {"name": upload.name},
                category=Category.OTHER, stage=Stage.POST_ALLOCATION, region_code=due.region_code,
                owner_kind=OwnerKind.CASE, owner=objection,
                application_number=due.registry_entry.application_number,
            )  # fmt: skip
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from exc
    return objection


@transaction.atomic
def subsidy_objection_answer(*, objection: SubsidyObjection, actor, reply: str) -> SubsidyObjection:
    """答复: the reply the applicant reads in the portal (待处理 → 已答复)."""
    objection = SubsidyObjection.objects.select_for_update().get(pk=objection.pk)
    if not actor.has_perm(REVIEW_PERMISSION) or not code_in_scope(actor, objection.region_code):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("请填写答复内容。")})
    if objection.state != SubsidyObjectionState.PENDING:
        raise ValidationError(_("该异议已答复。"))
    objection.state = SubsidyObjectionState.ANSWERED
    objection.reply, objection.replied_by, objection.replied_at = reply, actor, timezone.now()
    objection.save(update_fields=["state", "reply", "replied_by", "replied_at"])
    SubsidyObjectionEvent.objects.create(
        objection=objection, from_state=SubsidyObjectionState.PENDING, to_state=SubsidyObjectionState.ANSWERED,
        actor=actor, opinion=reply[:500],
    )  # fmt: skip
    return objection


def objection_evidence(objection: SubsidyObjection):
    from django.contrib.contenttypes.models import ContentType

    from housing.archive.models import Document

    return Document.objects.filter(
        owner_content_type=ContentType.objects.get_for_model(SubsidyObjection),
        owner_object_id=str(objection.pk),
    ).order_by("pk")
