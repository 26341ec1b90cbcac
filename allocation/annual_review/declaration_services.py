"""Writes of 年审申报: the family (portal) or a caseworker (window) files a new version of the declaration.

The declaration is kept beside the review; it never rewrites the family file or the registry entry —
the caseworker compares it with the registered values and decides (继续保障 / 变更标准 / 退出).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from .declarations import AnnualReviewDeclaration, DeclarationChannel
from .models import DECIDE_PERMISSION, AnnualReview, AnnualReviewEvent

EVIDENCE_KINDS = ("pdf", "jpeg", "png")
MAX_EVIDENCE_FILES = 10


def evidence_file_check(upload) -> None:
    """The archive's content check (type by content, size, no executables), then PDF/JPEG/PNG only."""
    from housing.archive.validators import validate_upload

    fmt = validate_upload(upload)
    if fmt.kind not in EVIDENCE_KINDS:
        raise ValidationError(
            _("“%(name)s”是%(label)s，证明材料只接受 PDF、JPEG、PNG 文件。")
            % {"name": PurePath(getattr(upload, "name", "") or "").name, "label": fmt.label},
            code="wrong_type",
        )


def _may_declare(review: AnnualReview, actor, channel: str) -> bool:
    if channel == DeclarationChannel.PORTAL:
        from admission.registry.selectors import registry_entries_of_applicant

        return registry_entries_of_applicant(user=actor).filter(pk=review.registry_entry_id).exists()
    return actor.has_perm(DECIDE_PERMISSION) and code_in_scope(actor, review.region_code)


@transaction.atomic
def annual_review_declaration_submit(
    *, review: AnnualReview, actor, channel: str, declared: dict, evidence: Iterable = ()
) -> AnnualReviewDeclaration:
    """年审申报: a new version for ``review`` (version 1, or the previous + 1 for a correction).

    Allowed while the review is 待审核 or 逾期未审; the applicant only for their own family, a caseworker
    (窗口代为申报) only with the decide permission and in scope. Every file is checked before anything is
    stored; the files go to the review's archive (一事一档). An event row records who declared when.
    """
    if channel not in DeclarationChannel.values:
        raise ValidationError(_("申报渠道无效。"))
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if not _may_declare(review, actor, channel):
        raise PermissionDenied
    if not review.can_decide:
        raise ValidationError(_("本年审已作出结论，不能再申报或更正。"))
    files = [f for f in evidence if f]
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": _("最多上传 %(n)s 个文件。") % {"n": MAX_EVIDENCE_FILES}})
    problems = []
    for upload in files:
        try:
            evidence_file_check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"evidence": problems})

    last = review.declarations.aggregate(v=Max("version"))["v"] or 0
    declaration = AnnualReviewDeclaration(
        review=review, version=last + 1, channel=channel, submitted_at=timezone.now(), submitted_by=actor,
        region_code=review.region_code,
        **declared,
    )  # fmt: skip
    declaration.full_clean()
    declaration.save()

    if files:
        from housing.accounts.system import system_actor
        from housing.archive.models import OwnerKind, Stage
        from housing.archive.services import document_upload

        # The applicant has no archive scope; the system files the portal's documents, as for 网上补件.
        uploader = system_actor() if channel == DeclarationChannel.PORTAL else actor
        ids = []
        for number, upload in enumerate(files, start=1):
            document = document_upload(
                actor=uploader, upload=upload,
                name=_("年审申报证明材料（%(y)s年第%(v)s版-%(n)s）") % {"y": review.year, "v": declaration.version, "n": number},
                category="income_proof", stage=Stage.POST_ALLOCATION, region_code=review.region_code,
                owner_kind=OwnerKind.CASE, owner=review,
                application_number=review.registry_entry.application_number,
            )  # fmt: skip
            ids.append(document.pk)
        declaration.evidence_document_ids = ids
        declaration.save(update_fields=["evidence_document_ids"])

    opinion = (_("%(channel)s申报（第%(v)s版）") if last == 0 else _("%(channel)s更正申报（第%(v)s版）")) % {
        "channel": declaration.get_channel_display(),
        "v": declaration.version,
    }
    AnnualReviewEvent.objects.create(
        review=review, from_state=review.state, to_state=review.state, actor=actor, opinion=opinion
    )
    return declaration
