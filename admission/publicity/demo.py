"""Demo publicity: batches for the demo cases in publicity states (some closed, some running) and three
objections (one open and frozen, one upheld, one not upheld). Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from housing.accounts.system import system_actor
from housing.regions.models import Region
from housing.workflow.calendar import WorkingCalendar

from ..models import PUBLICITY_STATES, STATE_LEVEL, Application
from .models import BatchState, Objection, PublicityEntry
from .services import (
    LEVEL_STATE,
    objection_assign,
    objection_decide,
    objection_investigator_candidates,
    objection_record,
    publicity_batch_create,
    publicity_batch_publish,
    publicity_batches_close_due,
    publicity_processes_sync,
)

# Significant digits of the publishing body's code per level (street 9, district 6, city 4).
PUBLISHER_PREFIX = {"street": 9, "district": 6, "city": 4}
LEVEL_ROLE = {"street": "street_caseworker", "district": "district_reviewer", "city": "city_centre"}
LOCATIONS = {
    "street": "{name}办事处公告栏、各社区居委会公告栏；本市住房保障服务平台",
    "district": "{name}政务服务中心公告栏；本市住房保障服务平台",
    "city": "{name}住房保障中心公告栏；本市住房保障服务平台",
}
# (kind, channel, reporter, phone, content, finding) — the reporters' names mark the demo rows.
DEMO_OBJECTIONS = [
    ("open", "phone", "王建国", "13800001111", "反映该户家庭成员名下有一辆小型轿车未申报。", None),
    (
        "upheld",
        "visit",
        "李秀英",
        "13800002222",
        "反映该户在斗门区另有商品住房一套。",
        ("不动产登记数据比对、入户调查", "经查，该户成员名下确有住房一套（建筑面积89平方米），举报属实。"),
    ),
    (
        "not_upheld",
        "online",
        "张志强",
        "13800003333",
        "反映该户实际收入高于申报收入。",
        ("个税、社保缴费数据比对，走访用人单位", "经查，申报收入与个税、社保记录一致，举报不属实。"),
    ),
]


def _handler(level: str, region_code: str, users: dict):
    from housing.workflow.demo import DEMO_HANDLERS

    for (role, prefix), username in DEMO_HANDLERS.items():
        if role == LEVEL_ROLE[level] and region_code.startswith(prefix) and username in users:
            return users[username]
    return system_actor()


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _seed_batches(users: dict, calendar: WorkingCalendar, today: datetime.date) -> None:
    groups: dict[tuple[str, str], list[Application]] = defaultdict(list)
    for application in Application.objects.filter(state__in=PUBLICITY_STATES).order_by("receipt_number"):
        level = STATE_LEVEL[application.state]
        listed = PublicityEntry.objects.filter(application=application, level=level).exists()
        if not listed:
            publisher = application.region_code[: PUBLISHER_PREFIX[level]].ljust(12, "0")
            groups[(level, publisher)].append(application)
    names = dict(Region.objects.filter(code__in={p for _level, p in groups}).values_list("code", "name"))
    for (level, publisher), applications in sorted(groups.items()):
        if publisher not in names:
            continue
        actor = _handler(level, publisher, users)
        half = len(applications) // 2
        # The first half was published three weeks ago and has closed; the rest is running now.
        for cases, published_ago in ((applications[:half], 12), (applications[half:], 2)):
            if not cases:
                continue
            with transaction.atomic():
                batch = publicity_batch_create(
                    level=level,
                    region_code=publisher,
                    method="notice",
                    location=LOCATIONS[level].format(name=names[publisher]),
                    actor=actor,
                    applications=cases,
                )
                publicity_batch_publish(
                    batch=batch, actor=actor, now=_at(calendar.add_working_days(today, -published_ago))
                )
    publicity_batches_close_due(today=today)


def _seed_objections(users: dict) -> None:
    if Objection.objects.filter(reporter_name__in=[row[2] for row in DEMO_OBJECTIONS]).exists():
        return
    entries = [
        entry
        for entry in PublicityEntry.objects.filter(batch__state=BatchState.PUBLISHED)
        .exclude(Exists(Objection.objects.filter(application=OuterRef("application"))))
        .select_related("application", "batch")
        .order_by("pk")
        if entry.application.state == LEVEL_STATE[entry.level]
    ]
    for (kind, channel, reporter, phone, content, finding), entry in zip(
        DEMO_OBJECTIONS, entries, strict=False
    ):
        actor = _handler(entry.level, entry.batch.region_code, users)
        with transaction.atomic():
            objection = objection_record(
                application=entry.application,
                actor=actor,
                channel=channel,
                content=content,
                reporter_name=reporter,
                reporter_phone=phone,
            )
            candidates = objection_investigator_candidates(objection=objection)
            if not candidates:
                continue
            investigator = next((u for u in candidates if u.pk == actor.pk), candidates[0])
            objection_assign(objection=objection, investigator=investigator, actor=actor)
            if finding is not None:
                objection_decide(
                    objection=objection,
                    actor=investigator,
                    upheld=kind == "upheld",
                    verification_method=finding[0],
                    verification_result=finding[1],
                )


def seed_demo_publicity() -> list:
    """Seed publicity batches and objections for whatever demo applications exist; returns []."""
    from housing.accounts.models import User
    from housing.workflow.demo import DEMO_HANDLERS

    publicity_processes_sync()
    users = {u.username: u for u in User.objects.filter(username__in=set(DEMO_HANDLERS.values()))}
    _seed_batches(users, WorkingCalendar(), timezone.localdate())
    _seed_objections(users)
    return []
