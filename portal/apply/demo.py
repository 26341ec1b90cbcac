"""The demo applicant's own cases (张小明, 13800000001): something real in 我的办事 and in 网上申请.

``seed_demo_applicant_cases`` (last in ``DEMO_SEEDERS``) files, for the demo applicant account made by
``housing.accounts.demo``:

1. a 公共租赁住房 · 实物配租 application made the way the portal makes one — a draft filled step by step
   through this app's services (each step's values checked by the step's own form, as the views do), then
   ``draft_submit`` — accepted by the street caseworker of 翠香街道 (``cuixiang``) and returned for
   supplement (退回补件, 需补正材料“近6个月收入证明”), so 我的办事 shows “需要您处理” and the 补件 page works;
2. an open 廉租住房 · 租赁补贴 draft saved at the income step (“保存并退出” there), so 「我的」 shows
   “继续填写申请” and the income page opens with the saved figures.

The steps are dated a few working days back (as ``admission.demo_cases`` does), so the timeline reads like
a real case. Idempotent: nothing is done when the applicant already has a draft or an application (a
second run, or a tester's own work, is never added to).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from housing.accounts.demo import DEMO_APPLICANT, demo_id_number

from . import services
from .forms import (
    ApplicantForm,
    FamilyIncomeForm,
    HousingFamilyForm,
    HousingRowForm,
    MemberForm,
    PersonIncomeForm,
)
from .models import ApplicationDraft

COMMUNITY = "440402001001"  # 翠香第一社区 (翠香街道): the demo applicant's ID number is of 香洲区
STREET_CASEWORKER = "cuixiang"  # 街道经办（翠香街道）
SUBMITTED = ("gongzu", "rental_in_kind")  # 公共租赁住房 · 实物配租
DRAFTED = ("lianzu", "rent_subsidy")  # 廉租住房 · 租赁补贴
SUPPLEMENT_ITEMS = "近6个月收入证明"

APPLICANT = {
    "applicant_name": DEMO_APPLICANT["real_name"],
    "id_type": "resident_id",
    "phone": DEMO_APPLICANT["phone"],
    "region_code": COMMUNITY,
    "hukou_county": "香洲区",
    "hukou_street": "翠香街道",
    "hukou_community": "翠香第一社区",
    "hukou_road": "康宁路",
    "hukou_number": "18",
}
# Numbers outside every other demo seeder's (admission.demo_cases uses sequence codes 600–999).
MEMBERS = (
    {"relation": "spouse", "name": "李丽", "body": "44040219920315246", "lives_with_family": "on"},
    {"relation": "son", "name": "张乐乐", "body": "44040220180620135", "lives_with_family": "on"},
)
INCOME = {  # person → (年收入, 工作单位)
    "self": ("36000", "珠海某物流公司"),
    "spouse": ("24000", "香洲区某超市"),
    "son": ("0", ""),
}
HOUSING_ROW = {
    "occupancy": "租住私房",
    "address_county": "香洲区",
    "address_road": "凤凰北路",
    "address_number": "66",
    "address_building": "3栋",
    "address_room": "502",
    "owner": "",
    "owner_name": "房东陈某",
    "floor_area": "42.5",
    "rent": "1800",
}


@contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Every ``timezone.now()`` inside returns ``moment`` (services, auto_now fields, workflow dates)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _moments(*working_days_ago: tuple[int, int, int]) -> list[datetime.datetime]:
    """(working days ago, hour, minute) → aware datetimes, each in the past and after the one before."""
    from housing.workflow.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    today = timezone.localdate()
    latest = timezone.now() - datetime.timedelta(minutes=5)
    moments = []
    for days, hour, minute in working_days_ago:
        day = calendar.add_working_days(today, -days)
        moment = min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute))), latest)
        if moments and moment <= moments[-1]:
            moment = moments[-1] + datetime.timedelta(minutes=3)
        moments.append(moment)
    return moments


def _cleaned(form) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationError(f"演示申请数据未通过检查：{form.errors.as_text()}")
    return form.cleaned_data


def _scan(name: str) -> SimpleUploadedFile:
    """A small PNG standing in for a photographed document."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (246, 246, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 228, 148), outline=(90, 90, 90), width=2)
    for y in range(36, 140, 16):
        draw.line((28, y, 212, y), fill=(170, 170, 170), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _fill_to_income(user, project_code: str, mode_code: str, *, income_go_to: str | None) -> ApplicationDraft:
    """Start a draft and fill 申请人信息, 家庭成员 and 家庭收入 as the step pages do."""
    draft = services.draft_start(owner=user, project_code=project_code, mode_code=mode_code)
    values = _cleaned(
        ApplicantForm({**APPLICANT, "id_number": demo_id_number(DEMO_APPLICANT["id_body"])}, user=user)
    )
    draft = services.draft_step_save(draft=draft, step="applicant", values=dict(values))
    keys = {"self": "self"}
    for member in MEMBERS:
        taken = {user.id_number_digest: "申请人本人"}
        taken.update({m["id_number"]["digest"]: m["name"] for m in draft.data.get("members", [])})
        data = {k: v for k, v in member.items() if k != "body"}
        data.update(id_type="resident_id", id_number=demo_id_number(member["body"]))
        draft = services.draft_member_add(draft=draft, values=_cleaned(MemberForm(data, taken=taken)))
        keys[draft.data["members"][-1]["uid"]] = member["relation"]
    draft = services.draft_step_save(draft=draft, step="members", values={})
    people = {}
    for uid, who in keys.items():
        income, employer = INCOME[who]
        people[uid] = _cleaned(PersonIncomeForm({"annual_income": income, "employer": employer}))
    family = _cleaned(FamilyIncomeForm({}))
    return services.draft_income_save(draft=draft, family=family, people=people, go_to=income_go_to)


def _file_returned_application(user, caseworker, moments: list[datetime.datetime]) -> None:
    from admission.applications import application_transition

    started, submitted, accepted, returned = moments
    with _clock(started):
        draft = _fill_to_income(user, *SUBMITTED, income_go_to=None)
        people = [("self", APPLICANT["applicant_name"])]
        people += [(m["uid"], m["name"]) for m in draft.data["members"]]
        row = HousingRowForm(HOUSING_ROW, people=people)
        _cleaned(row)
        draft = services.draft_row_add(draft=draft, kind="housing", values=row.row_values())
        family = _cleaned(HousingFamilyForm({"total_floor_area": "0"}))
        draft = services.draft_step_save(draft=draft, step="housing", values=dict(family))
        draft = services.draft_step_save(draft=draft, step="assets", values={})
        for requirement in services.draft_requirements(draft):
            if requirement.required:
                draft = services.draft_document_add(
                    draft=draft, requirement_code=requirement.code, upload=_scan(f"{requirement.name}.png")
                )
        draft = services.draft_step_save(draft=draft, step="documents", values={})
        draft = services.draft_step_save(draft=draft, step="promise", values={})
    with _clock(submitted):
        application = services.draft_submit(draft=draft, user=user)
    with _clock(accepted):
        application = application_transition(
            application=application, actor=caseworker, name="accept", opinion="申请材料齐全，予以受理。"
        )
    with _clock(returned):
        application_transition(
            application=application,
            actor=caseworker,
            name="request_supplement",
            opinion="收入证明只有近3个月，请补交近6个月的收入证明。",
            supplement_items=SUPPLEMENT_ITEMS,
        )


def seed_demo_applicant_cases() -> list[tuple[str, str, str]]:
    """DEMO_SEEDERS entry (last): the demo applicant's returned application and open draft; prints nothing."""
    from admission.selectors import applications_of_applicant
    from housing.accounts.models import User, UserKind

    user = User.objects.filter(kind=UserKind.APPLICANT, phone=DEMO_APPLICANT["phone"]).first()
    caseworker = User.objects.filter(username=STREET_CASEWORKER).first()
    if user is None or caseworker is None:
        return []  # the accounts seeder has not run
    if ApplicationDraft.objects.filter(owner=user).exists() or applications_of_applicant(user=user).exists():
        return []  # already seeded, or the applicant has started something of their own
    modes = {(c.project_code, c.mode_code) for c in services.available_modes()}
    if not {SUBMITTED, DRAFTED} <= modes:
        return []  # the rules seeder has not run
    started, submitted, accepted, returned, drafted = _moments(
        (6, 20, 30), (5, 9, 5), (4, 10, 20), (2, 15, 40), (1, 21, 10)
    )
    with transaction.atomic():
        _file_returned_application(user, caseworker, [started, submitted, accepted, returned])
        with _clock(drafted):
            # “保存并退出” on the income page: the draft resumes at 家庭收入 with the figures saved.
            _fill_to_income(user, *DRAFTED, income_go_to="income")
    return []
