"""Writes of 我的办事: what an applicant does on their own case from the portal.

Each one checks that the case is the signed-in applicant's and then calls admission's own service — the
same one a caseworker uses when the family comes to the window — with the system actor (系统) and an
opinion that says the applicant did it online. The applicant holds no back-office permission or region
scope, so admission's permission checks stay exactly as they are for staff; the record names 系统 as for
every other automatic or online step (网上举报 in ``admission.publicity`` is done the same way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.models import Application, ApplicationState
from admission.selectors import applications_of_applicant

S = ApplicationState
SUPPLEMENT_KINDS = ("pdf", "jpeg", "png")
MAX_FILES_PER_ITEM = 10
MAX_NOTE_LENGTH = 500

# 需补正材料 item → the archive's document category (keywords in the caseworker's words).
CATEGORY_KEYWORDS = (
    (("身份证", "居住证"), "id_card"),
    (("户口",), "household_register"),
    (("结婚", "离婚", "婚姻"), "marriage_certificate"),
    (("收入", "工资", "社保", "纳税"), "income_proof"),
    (("住房", "房产", "租赁", "租房", "不动产"), "housing_proof"),
    (("资产", "存款", "车辆", "股票", "存折"), "asset_proof"),
    (("申请表",), "application_form"),
)


def _own(application: Application, user) -> Application:
    """The applicant's own case, locked; anything else is refused as if it did not exist."""
    if not getattr(user, "is_applicant", False):
        raise PermissionDenied
    own = (
        applications_of_applicant(user=user).select_for_update(of=("self",)).filter(pk=application.pk).first()
    )
    if own is None:
        raise PermissionDenied
    return own


def category_for_item(item: str) -> str:
    for words, category in CATEGORY_KEYWORDS:
        if any(word in item for word in words):
            return category
    return "other"


def supplement_file_check(upload) -> None:
    """The archive's content check (type by content, size, no executables), then PDF/JPEG/PNG only."""
    from housing.archive.validators import validate_upload

    fmt = validate_upload(upload)
    if fmt.kind not in SUPPLEMENT_KINDS:
        raise ValidationError(
            _("“%(name)s”是%(label)s，补件只接受 PDF、JPEG、PNG 文件（可拍照或扫描后上传）。")
            % {"name": PurePath(getattr(upload, "name", "") or "").name, "label": fmt.label},
            code="wrong_type",
        )


def _archive_stage(level: str | None) -> str:
    from admission.models import ReviewLevel
    from housing.archive.models import Stage

    return {
        ReviewLevel.STREET: Stage.STREET_REVIEW,
        ReviewLevel.DISTRICT: Stage.DISTRICT_REVIEW,
        ReviewLevel.CITY: Stage.CITY_REVIEW,
    }.get(level, Stage.ACCEPTANCE)


@transaction.atomic
def affair_supplement_submit(
    *,
    application: Application,
    user,
    uploads: Sequence[tuple[str, Iterable]],
    note: str = "",
) -> Application:
    """网上补件: file the applicant's documents for each requested item in the case's archive (一事一档),
    then 补件后重新提交 through ``application_transition`` — the case returns to the review level that
    returned it and lands in that level's queue, and admission re-runs its department checks.

    ``uploads``: (item, files) pairs. Every file is checked before anything is stored; a refusal names the
    item, and nothing is filed or changed.
    """
    from admission.applications import application_transition
    from housing.accounts.system import system_actor
    from housing.archive.models import OwnerKind
    from housing.archive.services import document_upload

    application = _own(application, user)
    if application.state != S.RETURNED:
        raise ValidationError(
            _("本申请当前为“%(state)s”，不需要补件。") % {"state": application.get_state_display()}
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": _("补充说明最多 %(n)s 字。") % {"n": MAX_NOTE_LENGTH}})
    errors: dict[str, list[str]] = {}
    batches = []
    for index, (item, files) in enumerate(uploads):
        files = [f for f in files if f]
        if len(files) > MAX_FILES_PER_ITEM:
            errors.setdefault(f"item_{index}", []).append(
                _("每项最多上传 %(n)s 个文件。") % {"n": MAX_FILES_PER_ITEM}
            )
            continue
        for upload in files:
            try:
                supplement_file_check(upload)
            except ValidationError as exc:
                errors.setdefault(f"item_{index}", []).extend(exc.messages)
        batches.append((item, files))
    if errors:
        raise ValidationError(errors)
    count = sum(len(files) for _item, files in batches)
    if not count and not note:
        raise ValidationError(_("请至少上传一份补件材料，或填写补充说明。"))

    system = system_actor()
    stage = _archive_stage(application.level)
    filed_items = []
    for item, files in batches:
        for number, upload in enumerate(files, start=1):
            suffix = f"（{number}）" if len(files) > 1 else ""
            document_upload(
                actor=system,
                upload=upload,
                name=_("网上补件：%(item)s%(suffix)s") % {"item": item[:150], "suffix": suffix},
                category=category_for_item(item),
                stage=stage,
                region_code=application.region_code,
                owner_kind=OwnerKind.CASE,
                owner=application,
                application_number=application.receipt_number,
            )
        if files:
            filed_items.append(f"{item}×{len(files)}")
    opinion = _("申请人通过网上“我的办事”补交材料后重新提交：%(files)s。") % {
        "files": "；".join(filed_items) if filed_items else _("未上传文件")
    }
    if note:
        opinion += _("申请人补充说明：%(note)s") % {"note": note}
    return application_transition(application=application, actor=system, name="resubmit", opinion=opinion)


@transaction.atomic
def affair_withdraw(*, application: Application, user, reason: str) -> Application:
    """撤回申请 while the lifecycle allows it (``Application.withdraw``): the case ends, its records stay."""
    import django_fsm

    from admission.applications import application_transition
    from housing.accounts.system import system_actor

    application = _own(application, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤回原因。")})
    if len(reason) > MAX_NOTE_LENGTH:
        raise ValidationError({"reason": _("撤回原因最多 %(n)s 字。") % {"n": MAX_NOTE_LENGTH}})
    if not django_fsm.can_proceed(application.withdraw):
        raise ValidationError(
            _("本申请当前为“%(state)s”，不能撤回。") % {"state": application.get_state_display()}
        )
    return application_transition(
        application=application,
        actor=system_actor(),
        name="withdraw",
        opinion=_("申请人通过网上“我的办事”撤回申请。撤回原因：%(reason)s") % {"reason": reason},
    )


@transaction.atomic
def affair_appeal(*, application: Application, user, reason: str):
    """申请复核 of a refusal through ``admission.registry.appeals.appeal_create`` (the appeal period, one
    appeal per refusal and the dates in the refusal message are that service's)."""
    from admission.registry.appeals import appeal_create
    from housing.accounts.system import system_actor

    application = _own(application, user)
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": _("复核理由最多 2000 字。")})
    return appeal_create(application=application, actor=system_actor(), reason=reason)


@transaction.atomic
def affair_certificate(*, application: Application, user):
    """住房保障资格证明 of a registered case: issued once (numbered, verifiable, archived), then the same
    archived PDF every time. Returns the archive ``Document`` to open with ``document_open_verified``."""
    from admission.registry.models import RegistryEntry
    from housing.accounts.system import system_actor
    from housing.archive.models import Category, Document, OwnerKind, Stage
    from housing.archive.services import document_upload
    from housing.documents.models import IssuedDocument
    from housing.documents.services import document_issue

    from .certificate import (
        CERTIFICATE_NAME,
        CERTIFICATE_TEMPLATE,
        certificate_context,
        certificate_refusal,
        certificate_template_ensure,
    )

    application = _own(application, user)
    # The entry's row lock makes two first downloads at once issue one certificate, not two.
    entry = (
        RegistryEntry.objects.select_for_update(of=("self",))
        .select_related("application", "waitlist_entry")
        .filter(application=application)
        .first()
    )
    refusal = certificate_refusal(application, entry)
    if refusal:
        raise ValidationError(refusal)
    issued = (
        IssuedDocument.objects.filter(
            owner_content_type=ContentType.objects.get_for_model(RegistryEntry),
            owner_object_id=str(entry.pk),
            template__code=CERTIFICATE_TEMPLATE,
        )
        .order_by("-issued_at", "-pk")
        .first()
    )
    if issued is not None:
        archived = (
            Document.objects.filter(sha256=issued.sha256, application_number=application.receipt_number)
            .order_by("pk")
            .first()
        )
        if archived is not None:
            return archived
    system = system_actor()
    certificate_template_ensure(region_code=application.region_code[:4] + "00000000")
    document, pdf = document_issue(
        template_code=CERTIFICATE_TEMPLATE,
        context=certificate_context(entry, issued_on=timezone.localdate()),
        title=CERTIFICATE_NAME,
        region_code=entry.region_code,
        actor=system,
        owner=entry,
    )
    return document_upload(
        actor=system,
        upload=ContentFile(pdf, name=f"{document.number}.pdf"),
        name=f"{CERTIFICATE_NAME}（{document.number}）",
        category=Category.NOTICE,
        stage=Stage.CITY_REVIEW,
        region_code=application.region_code,
        owner_kind=OwnerKind.CASE,
        owner=application,
        application_number=application.receipt_number,
    )
