"""Writes of the documents subsystem: template versions and their lifecycle, issuing PDFs."""

from __future__ import annotations

import hashlib
from typing import Any

import django_fsm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.audit.services import AuditAction, audit_record

from .models import DocumentNumberSequence, DocumentTemplate, IssuedDocument, TemplateState
from .pdf import document_html, html_to_pdf
from .sandbox import sandbox_render

PROCESS_CODE = "document_template"
DEFAULT_NUMBER_PREFIX = "ZFBZ"  # 住房保障


# --- numbers -----------------------------------------------------------------------------------


def document_number_next(*, prefix: str = DEFAULT_NUMBER_PREFIX, year: int | None = None) -> str:
    """The next number, e.g. ``ZFBZ-2026-000001``: gap-free per prefix and year, safe under concurrency."""
    return document_numbers_reserve(prefix=prefix, year=year, count=1)[0]


def document_numbers_reserve(*, prefix: str, year: int | None = None, count: int) -> list[str]:
    """``count`` consecutive numbers of the prefix and year in one statement (a scan's whole chunk).

    The UPDATE takes the sequence row's lock until the caller's transaction ends, so two issuers
    never get the same number; the row is created on first use (a lost creation race retries).
    """
    year = year or timezone.localdate().year
    if count < 1:
        return []
    with transaction.atomic():
        sequence = DocumentNumberSequence.objects.filter(prefix=prefix, year=year)
        if not sequence.update(last_value=models.F("last_value") + count):
            try:
                with transaction.atomic():
                    DocumentNumberSequence.objects.create(prefix=prefix, year=year, last_value=count)
            except IntegrityError:
                sequence.update(last_value=models.F("last_value") + count)
        last = sequence.get().last_value
    return [f"{prefix}-{year}-{value:06d}" for value in range(last - count + 1, last + 1)]


# --- template lifecycle ----------------------------------------------------------------------


def _record_transition(*, template: DocumentTemplate, actor, name: str, source: str, opinion: str) -> None:
    """Every state change leaves a workflow node record (who, when, from, to, opinion) and an audit event."""
    from housing.workflow.services import workflow_record_transition

    document_process_sync()
    workflow_record_transition(
        obj=template,
        actor=actor,
        transition=name,
        from_state=source,
        to_state=template.state,
        opinion=opinion,
        process_code=PROCESS_CODE,
    )


def _check_transition(template: DocumentTemplate, name: str, actor) -> None:
    method = getattr(template, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("“%(template)s”当前状态为%(state)s，不能执行此操作。")
            % {"template": template, "state": template.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有启用或停用文书模板的权限。"))


def _next_version(code: str) -> int:
    return (DocumentTemplate.objects.filter(code=code).aggregate(v=models.Max("version"))["v"] or 0) + 1


@transaction.atomic
def document_template_create(
    *, code: str, name: str, body: str, region_code: str, actor, sample_context: dict | None = None
) -> DocumentTemplate:
    """A new draft version of ``code`` (version 1 for a new code)."""
    # Lock the code's versions so two drafts never get the same number.
    list(DocumentTemplate.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
    template = DocumentTemplate(
        code=code,
        name=name,
        body=body,
        region_code=region_code,
        sample_context=sample_context or {},
        version=_next_version(code),
        created_by=actor,
    )
    # FSM-protected: the state is set only by transitions, so clean_fields must not re-assign it.
    template.full_clean(exclude=["state"])
    template.save()
    audit_record(action=AuditAction.CREATE, obj=template, actor=actor)
    return template


@transaction.atomic
def document_template_update(
    *, template: DocumentTemplate, actor, name: str, body: str, sample_context: dict | None = None
) -> DocumentTemplate:
    """Edit a draft. An active or retired version is never edited: copy it with "修改"."""
    template = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_editable:
        raise ValidationError(_("已启用或已停用的模板版本不能修改，请使用“修改”生成新的草稿版本。"))
    changes = {}
    for field, value in (("name", name), ("body", body), ("sample_context", sample_context or {})):
        if getattr(template, field) != value:
            changes[field] = [str(getattr(template, field))[:200], str(value)[:200]]
            setattr(template, field, value)
    # FSM-protected: the state is set only by transitions, so clean_fields must not re-assign it.
    template.full_clean(exclude=["state"])
    template.save()
    audit_record(action=AuditAction.UPDATE, obj=template, actor=actor, changes=changes)
    return template


@transaction.atomic
def document_template_copy(*, template: DocumentTemplate, actor) -> DocumentTemplate:
    """ "修改": a new draft version with the same code and content, to edit instead of the original."""
    return document_template_create(
        code=template.code,
        name=template.name,
        body=template.body,
        region_code=template.region_code,
        sample_context=template.sample_context,
        actor=actor,
    )


@transaction.atomic
def document_template_activate(*, template: DocumentTemplate, actor, opinion: str = "") -> DocumentTemplate:
    """启用: this version becomes the one used to issue documents; the previous active one is retired."""
    versions = {
        t.pk: t
        for t in DocumentTemplate.objects.select_for_update().filter(code=template.code).order_by("pk")
    }
    template = versions[template.pk]
    _check_transition(template, "activate", actor)
    for other in versions.values():
        if other.pk != template.pk and other.state == TemplateState.ACTIVE:
            _check_transition(other, "retire", actor)
            other.retire()
            other.save()
            _record_transition(
                template=other,
                actor=actor,
                name="retire",
                source=TemplateState.ACTIVE,
                opinion=_("由第%(version)s版取代") % {"version": template.version},
            )
    template.activate()
    template.save()
    _record_transition(
        template=template, actor=actor, name="activate", source=TemplateState.DRAFT, opinion=opinion
    )
    return template


@transaction.atomic
def document_template_retire(*, template: DocumentTemplate, actor, opinion: str = "") -> DocumentTemplate:
    """停用: no more documents are issued from this code until another version is activated."""
    template = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
    _check_transition(template, "retire", actor)
    template.retire()
    template.save()
    _record_transition(
        template=template, actor=actor, name="retire", source=TemplateState.ACTIVE, opinion=opinion
    )
    return template


TRANSITION_SERVICES = {"activate": document_template_activate, "retire": document_template_retire}


# --- rendering and issuing ---------------------------------------------------------------------


def document_template_render_pdf(
    *, template: DocumentTemplate, context: dict[str, Any], title: str, number: str, issued_at=None
) -> bytes:
    body_html = sandbox_render(template.body, context, autoescape=True)
    return html_to_pdf(document_html(body_html=body_html, title=title, number=number, issued_at=issued_at))


def document_template_preview(*, template: DocumentTemplate) -> bytes:
    """ "预览PDF": any version, with its sample data and a specimen number that verifies nothing."""
    return document_template_render_pdf(
        template=template,
        context=template.sample_context,
        title=_("%(name)s（样张）") % {"name": template.name},
        number="YZ-0000-000000",
    )


@transaction.atomic
def document_issue(
    *, template_code: str, context: dict[str, Any], title: str, region_code: str, actor, owner=None
) -> tuple[IssuedDocument, bytes]:
    """Issue a PDF from the active version of ``template_code``; returns the record and the bytes.

    The record keeps the SHA-256 of the exact bytes, so the archive copy can be checked later.
    """
    template = DocumentTemplate.objects.filter(code=template_code, state=TemplateState.ACTIVE).first()
    if template is None:
        raise ValidationError(_("文书模板“%(code)s”没有已启用的版本。") % {"code": template_code})
    issued_at = timezone.now()
    number = document_number_next(year=timezone.localtime(issued_at).year)
    pdf = document_template_render_pdf(
        template=template, context=context, title=title, number=number, issued_at=issued_at
    )
    document = IssuedDocument(
        number=number,
        title=title,
        issued_at=issued_at,
        template=template,
        sha256=hashlib.sha256(pdf).hexdigest(),
        region_code=region_code,
        issued_by=actor,
    )
    if owner is not None:
        document.owner_content_type = ContentType.objects.get_for_model(owner, for_concrete_model=False)
        document.owner_object_id = str(owner.pk)
    document.full_clean()
    document.save()
    audit_record(action=AuditAction.CREATE, obj=document, actor=actor, description=_("出具文书"))
    return document, pdf


# --- reference data ----------------------------------------------------------------------------


def document_process_sync() -> None:
    """The workflow process that records template transitions (草稿 → 已启用 → 已停用); idempotent."""
    from housing.workflow.models import NodeKind, NodeLink, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).exists():
        return
    process = ProcessTemplate.objects.create(
        code=PROCESS_CODE,
        name=_("文书模板发布"),
        category=_("系统管理"),
        version=(
            ProcessTemplate.objects.filter(code=PROCESS_CODE).aggregate(v=models.Max("version"))["v"] or 0
        )
        + 1,
        is_active=True,
    )
    draft, active, retired = (
        NodeTemplate.objects.create(process=process, code=code, name=name, kind=kind, order=order)
        for order, (code, name, kind) in enumerate(
            (
                (TemplateState.DRAFT, _("编辑草稿"), NodeKind.START),
                (TemplateState.ACTIVE, _("已启用"), NodeKind.TASK),
                (TemplateState.RETIRED, _("已停用"), NodeKind.END),
            )
        )
    )
    NodeLink.objects.create(process=process, from_node=draft, to_node=active, name=_("启用"))
    NodeLink.objects.create(process=process, from_node=active, to_node=retired, name=_("停用"))


DEFAULT_TEMPLATES: tuple[tuple[str, str, str, dict], ...] = (
    (
        "eligibility_certificate",
        "住房保障资格确认通知书",
        """<p>{{ applicant_name }}：</p>
<p>您于{{ applied_on }}提交的{{ project_name }}申请，经街道初审、区级复审和市级审核并公示无异议，符合{{ project_name }}保障条件，现予以确认。</p>
<table>
  <tr><th>申请编号</th><td>{{ application_number }}</td><th>家庭人口</th><td>{{ family_size }}人</td></tr>
  <tr><th>保障方式</th><td colspan="3">{{ mode }}</td></tr>
</table>
<p>请按通知要求参加后续配租配售。如对本通知有异议，可自收到之日起60日内申请行政复议。</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>""",
        {
            "applicant_name": "张三",
            "applied_on": "2026年3月1日",
            "project_name": "公共租赁住房",
            "application_number": "SQ-2026-000123",
            "family_size": 3,
            "mode": "实物配租",
            "issuer": "珠海市住房保障中心",
            "issued_on": "2026年4月15日",
        },
    ),
)


def document_templates_seed_demo() -> list:
    """Demo: an active version of each default document template, under the demo city; idempotent."""
    from housing.regions.codes import Level
    from housing.regions.models import Region

    city = Region.objects.filter(level=Level.CITY).order_by("code").first()
    if city is None:
        return []
    for code, name, body, sample in DEFAULT_TEMPLATES:
        if DocumentTemplate.objects.filter(code=code).exists():
            continue
        template = document_template_create(
            code=code, name=name, body=body, region_code=city.code, sample_context=sample, actor=None
        )
        # Reference data, not a user's decision: no workflow record, so the FSM method is called directly.
        template.activate()
        template.save()
    return []
