"""Writes of 导航式网上申请: start a draft, save each step, upload materials, submit.

The draft is the applicant's own scratch pad; nothing in admission changes until ``draft_submit``, which in
one transaction files the family, its members, housing, assets and materials and the application through
admission's own services (the same ones a street window uses), then submits it so the case lands in the
street caseworker's work queue (待办, state 已提交 → 受理). Those services stay the authority on every
business rule: the step forms give early feedback, and anything the services still refuse is shown on the
review step and changes nothing.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.encryption import decrypt_text, encrypt_text
from housing.accounts.identity import id_number_digest, mask_id_number
from housing.archive.models import FileKind
from housing.archive.storage import blob_path, blob_store, hash_chunks

from .models import ApplicationDraft, DraftStatus
from .requirements import Requirement, requirements_for

# --- the steps ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    code: str
    title: str


STEPS: tuple[Step, ...] = (
    Step("choose", "选择保障项目"),
    Step("applicant", "申请人信息"),
    Step("members", "家庭成员"),
    Step("income", "家庭收入"),
    Step("housing", "住房情况"),
    Step("assets", "家庭资产"),
    Step("documents", "申请材料"),
    Step("promise", "申请承诺"),
    Step("review", "核对并提交"),
)
STEP_CODES = tuple(step.code for step in STEPS)
# The steps whose "下一步" must have been pressed (validated and saved) before submission.
FILLED_STEPS = ("applicant", "members", "income", "housing", "assets", "documents", "promise")
DOCUMENT_KINDS = (FileKind.JPEG, FileKind.PNG, FileKind.PDF)
ONLINE_CHANNEL = "网上申请"

PROMISE_TEXT = (
    "本人承诺：所填写的家庭成员、收入、住房、资产等情况及上传的材料真实、完整、有效；"
    "同意住房保障部门及有关单位对本人及家庭成员的户籍、收入、住房、资产、社保、公积金等情况进行核查；"
    "家庭情况发生变化时及时申报。如有虚报、隐瞒、伪造，本人愿意承担取消资格、退回已享受待遇、"
    "记入诚信档案等后果及相应的法律责任。"
)

MODE_EXPLANATIONS = {
    "rental_in_kind": "由政府提供保障性住房，按规定的标准租金租住。",
    "sale_in_kind": "按政府确定的价格购买保障性住房，产权和上市交易受限制。",
    "rent_subsidy": "按月发放租赁补贴，由您自行在市场上租房居住。",
    "purchase_subsidy": "购买普通商品住房时给予一次性购房补贴。",
    "rent_reduction": "已租住公有住房的家庭，按规定减免部分租金。",
}


def step_index(code: str) -> int:
    return STEP_CODES.index(code)


def step_after(code: str) -> str:
    return STEP_CODES[min(step_index(code) + 1, len(STEP_CODES) - 1)]


def step_before(code: str) -> str | None:
    index = step_index(code)
    return STEP_CODES[index - 1] if index > 0 else None


# --- which projects and modes can be applied for -------------------------------------------------------


@dataclass(frozen=True)
class ModeChoice:
    project_code: str
    project_name: str
    mode_code: str
    mode_name: str
    kind: str
    explanation: str

    @property
    def value(self) -> str:
        return f"{self.project_code}:{self.mode_code}"


def available_modes(*, on_date: datetime.date | None = None) -> list[ModeChoice]:
    """Every project and mode whose rule set is in force in the portal's city today (the rules engine)."""
    from portal.selfcheck.services import rule_sets_in_force

    on_date = on_date or timezone.localdate()
    choices = []
    for compiled in rule_sets_in_force(region_code=settings.PORTAL_CITY_CODE, on_date=on_date):
        for code, mode in compiled.modes.items():
            choices.append(
                ModeChoice(
                    project_code=compiled.info.project_code,
                    project_name=compiled.info.project_name,
                    mode_code=code,
                    mode_name=mode.name,
                    kind=mode.kind,
                    explanation=MODE_EXPLANATIONS.get(mode.kind, ""),
                )
            )
    return choices


def _find_choice(project_code: str, mode_code: str) -> ModeChoice:
    for choice in available_modes():
        if choice.project_code == project_code and choice.mode_code == mode_code:
            return choice
    raise ValidationError({"choice": _("请选择一项目前可以申请的保障项目和保障方式。")})


# --- sealed personal numbers -------------------------------------------------------------------------


def seal_id_number(value: str) -> dict[str, str]:
    """An ID number as the draft keeps it: Fernet token, keyed hash (duplicate checks), masked copy."""
    return {"token": encrypt_text(value), "digest": id_number_digest(value), "masked": mask_id_number(value)}


def unseal_id_number(sealed: dict | None) -> str:
    return decrypt_text((sealed or {}).get("token", ""))


# --- drafts --------------------------------------------------------------------------------------------


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form data as JSON: Decimal and dates as text, the rest as is."""
    result = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        result[key] = value
    return result


def _touch(draft: ApplicationDraft, *, step: str | None = None, done: str | None = None) -> ApplicationDraft:
    if done and done not in draft.data.setdefault("done", []):
        draft.data["done"].append(done)
    if step:
        draft.current_step = step
    draft.save()
    return draft


@transaction.atomic
def draft_start(
    *, owner, project_code: str, mode_code: str, prefill: dict[str, Any] | None = None
) -> ApplicationDraft:
    """Start (or resume) the applicant's draft for one project and mode.

    ``prefill``: the self-check's answers, stored only now that the person starts an application with them.
    """
    choice = _find_choice(project_code, mode_code)
    existing = (
        ApplicationDraft.objects.select_for_update()
        .filter(owner=owner, project_code=project_code, mode_code=mode_code, status=DraftStatus.OPEN)
        .first()
    )
    if existing is not None:
        if prefill:
            existing.data["selfcheck"] = _jsonable(prefill)
            existing.save(update_fields=["data", "updated_at"])
        return existing
    data: dict[str, Any] = {"mode_kind": choice.kind, "done": ["choose"]}
    if prefill:
        data["selfcheck"] = _jsonable(prefill)
    try:
        with transaction.atomic():
            return ApplicationDraft.objects.create(
                owner=owner,
                project_code=project_code,
                project_name=choice.project_name,
                mode_code=mode_code,
                mode_name=choice.mode_name,
                current_step="applicant",
                data=data,
            )
    except IntegrityError:
        # The same start twice at once (double tap): the other request made the draft.
        return ApplicationDraft.objects.get(
            owner=owner, project_code=project_code, mode_code=mode_code, status=DraftStatus.OPEN
        )


def _open(draft: ApplicationDraft) -> ApplicationDraft:
    draft = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.is_submitted:
        raise ValidationError(_("本申请已经提交，不能再修改。"))
    return draft


@transaction.atomic
def draft_choose(*, draft: ApplicationDraft, project_code: str, mode_code: str) -> ApplicationDraft:
    """Change the project or mode of an open draft (the answers stay)."""
    draft = _open(draft)
    choice = _find_choice(project_code, mode_code)
    clash = (
        ApplicationDraft.objects.filter(
            owner=draft.owner, project_code=project_code, mode_code=mode_code, status=DraftStatus.OPEN
        )
        .exclude(pk=draft.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"choice": _("您已有该保障方式的申请草稿，请在「我的」中继续填写那一份。")})
    draft.project_code, draft.project_name = choice.project_code, choice.project_name
    draft.mode_code, draft.mode_name = choice.mode_code, choice.mode_name
    draft.data["mode_kind"] = choice.kind
    return _touch(draft, step=step_after("choose"), done="choose")


@transaction.atomic
def draft_step_save(
    *, draft: ApplicationDraft, step: str, values: dict[str, Any], go_to: str | None = None
) -> ApplicationDraft:
    """Save one step's checked values (``values`` already validated by the step's form) and move on."""
    draft = _open(draft)
    if step in ("members", "assets", "documents"):
        # Rows and files are saved as they are added; "下一步" only confirms the step.
        return _touch(draft, step=go_to or step_after(step), done=step)
    if step == "applicant":
        id_number = values.pop("id_number", "")
        previous = draft.data.get("applicant", {}).get("id_number")
        values = _jsonable(values)
        values["id_number"] = seal_id_number(id_number) if id_number else previous
    elif step == "promise":
        values = {"agreed": True, "agreed_at": timezone.now().isoformat(), "text": PROMISE_TEXT}
    elif step == "housing":
        # The family's own housing facts; the dwellings (rows) are added one by one beside them.
        values = {**draft.data.get("housing", {}), "family": _jsonable(values)}
    else:
        values = _jsonable(values)
    draft.data[step] = values
    return _touch(draft, step=go_to or step_after(step), done=step)


@transaction.atomic
def draft_income_save(
    *, draft: ApplicationDraft, family: dict[str, Any], people: dict[str, dict[str, Any]], go_to: str | None
) -> ApplicationDraft:
    draft = _open(draft)
    draft.data["income"] = {
        "family": _jsonable(family),
        "people": {k: _jsonable(v) for k, v in people.items()},
    }
    return _touch(draft, step=go_to or step_after("income"), done="income")


# members, housing rows and asset rows: each a list of dicts with a ``uid``


@transaction.atomic
def draft_member_add(*, draft: ApplicationDraft, values: dict[str, Any]) -> ApplicationDraft:
    draft = _open(draft)
    values = dict(values)
    sealed = seal_id_number(values.pop("id_number"))
    members = draft.data.setdefault("members", [])
    if any(m["id_number"]["digest"] == sealed["digest"] for m in members) or sealed["digest"] == (
        draft.data.get("applicant", {}).get("id_number") or {}
    ).get("digest"):
        raise ValidationError({"id_number": _("该证件号码已在本申请中登记，同一人不能重复登记。")})
    members.append({"uid": uuid.uuid4().hex[:12], **_jsonable(values), "id_number": sealed})
    return _touch(draft)


@transaction.atomic
def draft_row_remove(*, draft: ApplicationDraft, kind: str, uid: str) -> ApplicationDraft:
    """Remove one member (``kind="members"``), housing row (``"housing"``) or asset row (``"assets"``)."""
    draft = _open(draft)
    if kind == "members":
        draft.data["members"] = [m for m in draft.data.get("members", []) if m["uid"] != uid]
        draft.data.get("income", {}).get("people", {}).pop(uid, None)
        # A member's dwelling stays on file, no longer as theirs.
        for row in draft.data.get("housing", {}).get("rows", []):
            if row.get("owner") == uid:
                row["owner"] = ""
    else:
        holder = draft.data.setdefault(kind, {})
        holder["rows"] = [r for r in holder.get("rows", []) if r["uid"] != uid]
    return _touch(draft)


@transaction.atomic
def draft_row_add(*, draft: ApplicationDraft, kind: str, values: dict[str, Any]) -> ApplicationDraft:
    """Add one housing (``"housing"``) or asset (``"assets"``) row, already checked by its form."""
    draft = _open(draft)
    holder = draft.data.setdefault(kind, {})
    holder.setdefault("rows", []).append({"uid": uuid.uuid4().hex[:12], **_jsonable(values)})
    return _touch(draft)


# --- materials -----------------------------------------------------------------------------------------


def draft_requirements(draft: ApplicationDraft) -> list[Requirement]:
    return requirements_for(
        project_code=draft.project_code, mode_code=draft.mode_code, mode_kind=draft.data.get("mode_kind", "")
    )


@transaction.atomic
def draft_document_add(*, draft: ApplicationDraft, requirement_code: str, upload) -> ApplicationDraft:
    """Check an uploaded file by its content (JPEG, PNG or PDF only) and keep it for the draft.

    The bytes go to the archive's content-addressed, write-once store now (so nothing is lost between
    devices); the archive record (档案) is made on submission, when the case and its number exist.
    """
    from housing.archive.validators import validate_upload

    draft = _open(draft)
    codes = {r.code for r in draft_requirements(draft)}
    if requirement_code not in codes:
        raise ValidationError({"file": _("请选择要上传的材料项目。")})
    fmt = validate_upload(upload)
    if fmt.kind not in DOCUMENT_KINDS:
        raise ValidationError(
            {"file": _("只能上传 JPEG、PNG 图片或 PDF 文件，您选择的是%(label)s。") % {"label": fmt.label}}
        )

    def chunks():
        upload.seek(0)
        yield from iter(lambda: upload.read(1024 * 1024), b"")

    sha256, size = hash_chunks(chunks())
    blob_store(sha256=sha256, chunks=chunks())
    files = draft.documents.setdefault(requirement_code, [])
    files.append(
        {
            "sha256": sha256,
            "name": PurePath(getattr(upload, "name", "") or "").name[:200] or fmt.kind,
            "size": size,
            "kind": fmt.kind,
            "uploaded_at": timezone.now().isoformat(),
        }
    )
    return _touch(draft)


@transaction.atomic
def draft_document_remove(*, draft: ApplicationDraft, requirement_code: str, index: int) -> ApplicationDraft:
    draft = _open(draft)
    files = draft.documents.get(requirement_code, [])
    if 0 <= index < len(files):
        files.pop(index)
    return _touch(draft)


# --- what is still missing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    step: str
    message: str


def draft_problems(draft: ApplicationDraft) -> list[Problem]:
    """Everything that keeps the draft from being submitted, each named plainly with its step."""
    titles = {s.code: s.title for s in STEPS}
    done = set(draft.data.get("done", []))
    problems = [
        Problem(code, _("“%(title)s”一步还没有填写完成。") % {"title": titles[code]})
        for code in FILLED_STEPS
        if code not in done and code not in ("documents", "promise")
    ]
    people = draft.data.get("income", {}).get("people", {})
    if "income" in done:
        for member in draft.data.get("members", []):
            if member["uid"] not in people:
                problems.append(
                    Problem("income", _("还没有填写%(name)s的收入。") % {"name": member.get("name", "")})
                )
    for requirement in draft_requirements(draft):
        if requirement.required and not draft.documents.get(requirement.code):
            problems.append(Problem("documents", _("缺少申请材料：%(name)s。") % {"name": requirement.name}))
    if not draft.data.get("promise", {}).get("agreed"):
        problems.append(Problem("promise", _("请阅读并勾选申请承诺。")))
    return problems


# --- submission ----------------------------------------------------------------------------------------

APPLICANT_FAMILY_FIELDS = (
    "applicant_name",
    "id_type",
    "phone",
    "region_code",
    "hukou_county",
    "hukou_street",
    "hukou_community",
    "hukou_road",
    "hukou_number",
    "hukou_building",
    "hukou_room",
)
INCOME_FAMILY_FIELDS = ("is_low_income", "is_subsistence_allowance_family", "subsistence_certificate_number")
HOUSING_FAMILY_FIELDS = (
    "total_floor_area",
    "lives_in_shantytown",
    "shantytown_name",
    "has_received_housing_support",
    "previous_support_mode",
)
MEMBER_FIELDS = (
    "relation",
    "name",
    "id_type",
    "birth_date",
    "hukou_type",
    "marital_status",
    "lives_with_family",
)
PERSON_INCOME_FIELDS = ("annual_income", "income_source", "employment_status", "employer")


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _family_payload(draft: ApplicationDraft) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(family data, members, the applicant's own member data) in the services' own field names."""
    data = draft.data
    applicant = data.get("applicant", {})
    income = data.get("income", {})
    housing = data.get("housing", {}).get("family", {})
    family = {name: applicant.get(name, "") for name in APPLICANT_FAMILY_FIELDS}
    family["id_number"] = unseal_id_number(applicant.get("id_number"))
    for name in INCOME_FAMILY_FIELDS:
        if name in income.get("family", {}):
            family[name] = income["family"][name]
    for name in HOUSING_FAMILY_FIELDS:
        if name in housing:
            family[name] = housing[name]
    if "total_floor_area" in family:
        family["total_floor_area"] = Decimal(family["total_floor_area"] or "0")
    people = income.get("people", {})
    members = []
    for member in data.get("members", []):
        row = {name: member.get(name) for name in MEMBER_FIELDS if name in member}
        row["birth_date"] = _date(member.get("birth_date"))
        row["id_number"] = unseal_id_number(member["id_number"])
        for name in PERSON_INCOME_FIELDS:
            if name in people.get(member["uid"], {}):
                row[name] = people[member["uid"]][name]
        row["annual_income"] = Decimal(row.get("annual_income") or "0")
        members.append(row)
    own = {
        name: people.get("self", {}).get(name)
        for name in PERSON_INCOME_FIELDS
        if name in people.get("self", {})
    }
    own["annual_income"] = Decimal(own.get("annual_income") or "0")
    return family, members, own


def _housing_payload(draft: ApplicationDraft, row: dict[str, Any]) -> dict[str, Any]:
    from admission.casework.services import HOUSING_FIELDS

    values = {k: v for k, v in row.items() if k in HOUSING_FIELDS}
    for name in ("floor_area", "rent", "value", "ownership_share"):
        if values.get(name) not in (None, ""):
            values[name] = Decimal(values[name])
        else:
            values.pop(name, None)
    owner = row.get("owner") or ""
    if owner:
        # 产权人是本户成员: the services check the number against the family's members.
        if owner == "self":
            applicant = draft.data.get("applicant", {})
            values["owner_name"] = applicant.get("applicant_name", "")
            values["owner_id_number"] = unseal_id_number(applicant.get("id_number"))
        else:
            member = next((m for m in draft.data.get("members", []) if m["uid"] == owner), None)
            if member is not None:
                values["owner_name"] = member.get("name", "")
                values["owner_id_number"] = unseal_id_number(member["id_number"])
        values["owner_is_member"] = "owner_id_number" in values
    return values


def _asset_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "owner_name": row.get("owner_name", ""),
        "category": row.get("category", ""),
        "quantity": int(row.get("quantity") or 1),
        "total_value": Decimal(row.get("total_value") or "0"),
        "asset_number": row.get("asset_number", ""),
    }


@transaction.atomic
def draft_submit(*, draft: ApplicationDraft, user):
    """提交网上申请: file everything through admission's services and submit, in one transaction.

    The services act as the system actor (系统): an applicant holds no back-office permission or region
    scope, and the workflow record says plainly that the case came in online (渠道：网上申请).
    Refuses a second submission; any rule the services refuse rolls everything back.
    """
    from admission.applications import application_create, application_transition
    from admission.casework.services import application_asset_add, application_housing_add
    from admission.models import MemberStatus, Relation
    from admission.services import family_create, family_member_update
    from housing.accounts.system import system_actor
    from housing.archive.models import OwnerKind, Stage
    from housing.archive.services import document_upload

    draft = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.owner_id != user.pk:
        raise ValidationError(_("只能提交本人的申请。"))
    if draft.is_submitted:
        raise ValidationError(
            _("本申请已于%(at)s提交（申请编号 %(number)s），不能重复提交。")
            % {
                "at": timezone.localtime(draft.submitted_at).strftime("%Y-%m-%d %H:%M"),
                "number": draft.submitted_application.receipt_number,
            }
        )
    problems = draft_problems(draft)
    if problems:
        raise ValidationError([p.message for p in problems])
    applicant_digest = (draft.data.get("applicant", {}).get("id_number") or {}).get("digest", "")
    if applicant_digest != user.id_number_digest:
        raise ValidationError(_("申请人证件号码须与您注册账号时的号码一致。"))

    actor = system_actor()
    family_data, members, own = _family_payload(draft)
    family = family_create(actor=actor, data=family_data, members=members)
    applicant_row = family.members.get(relation=Relation.SELF, status=MemberStatus.ACTIVE)
    family_member_update(member=applicant_row, actor=actor, data=own)
    application = application_create(
        family=family, project_code=draft.project_code, mode_code=draft.mode_code, actor=actor
    )
    for row in draft.data.get("housing", {}).get("rows", []):
        application_housing_add(application=application, data=_housing_payload(draft, row), actor=actor)
    for row in draft.data.get("assets", {}).get("rows", []):
        application_asset_add(application=application, data=_asset_payload(row), actor=actor)
    requirements = {r.code: r for r in draft_requirements(draft)}
    for code, files in draft.documents.items():
        requirement = requirements.get(code)
        if requirement is None:
            continue  # a material of a mode the draft no longer asks for
        for index, ref in enumerate(files, start=1):
            suffix = f"（{index}）" if len(files) > 1 else ""
            with open(blob_path(ref["sha256"]), "rb") as handle:
                document_upload(
                    actor=actor,
                    upload=File(handle, name=ref["name"]),
                    name=f"{requirement.name}{suffix}",
                    category=requirement.category,
                    stage=Stage.ACCEPTANCE,
                    region_code=application.region_code,
                    owner_kind=OwnerKind.CASE,
                    owner=application,
                    application_number=application.receipt_number,
                )
    application = application_transition(
        application=application,
        actor=actor,
        name="submit",
        opinion=_("申请人%(name)s通过%(channel)s提交，已作出申请承诺。")
        % {"name": family.applicant_name, "channel": ONLINE_CHANNEL},
    )
    draft.submitted_application = application
    draft.status = DraftStatus.SUBMITTED
    draft.submitted_at = timezone.now()
    draft.current_step = "review"
    draft.save()
    return application
