"""家庭档案时间线: every document, check, opinion and state change of a family, in time order."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from admission.applications import application_create, application_transition
from admission.casework import timeline
from admission.casework.services import inspection_assign, inspection_record
from housing.archive.models import Category, OwnerKind, Stage
from housing.archive.services import document_upload

from ..factories import make_family
from .conftest import COMMUNITY_A1, png_bytes

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ)


def step(application, actor, name):
    return application_transition(application=application, actor=actor, name=name, opinion=f"{name}意见。")


@pytest.fixture
def family_history(superuser, street_caseworker, other_street_caseworker):
    """A family's first weeks, one step a day; the document comes between the visit and its finding."""
    with time_machine.travel(at("2026-03-02"), tick=False):
        family = make_family(actor=street_caseworker, region_code=COMMUNITY_A1, name="陈翠香", members=1)
    with time_machine.travel(at("2026-03-03"), tick=False):
        app = application_create(
            family=family, project_code="lianzu", mode_code="rent_subsidy", actor=street_caseworker
        )
    with time_machine.travel(at("2026-03-04"), tick=False):
        app = step(app, street_caseworker, "submit")
    with time_machine.travel(at("2026-03-05"), tick=False):
        app = step(app, street_caseworker, "accept")
    with time_machine.travel(at("2026-03-06"), tick=False):
        visit = inspection_assign(application=app, inspector=other_street_caseworker, actor=street_caseworker)
    with time_machine.travel(at("2026-03-09"), tick=False):
        document_upload(
            actor=street_caseworker,
            upload=SimpleUploadedFile("收入证明.png", png_bytes("white")),
            name="收入证明",
            category=Category.INCOME_PROOF,
            stage=Stage.ACCEPTANCE,
            region_code=family.region_code,
            owner_kind=OwnerKind.FAMILY,
            owner=family,
        )
    with time_machine.travel(at("2026-03-10"), tick=False):
        inspection_record(
            inspection=visit,
            actor=other_street_caseworker,
            visited_on=datetime.date(2026, 3, 10),
            persons_met="申请人本人",
            living_situation="租住单间",
            matches_declaration=True,
            findings="与申报一致。",
        )
    with time_machine.travel(at("2026-03-11"), tick=False):
        app = step(app, street_caseworker, "street_approve")
    return family


EXPECTED = [
    "建立家庭档案",
    "登记家庭成员：陈翠香之子0",
    "发起申请",
    "提交申请",
    "受理",
    "指派入户核查：other_street_caseworker",
    "上传档案：收入证明",
    "入户核查完成：与申报一致",
    "街道审核通过",
]


def test_the_timeline_lists_the_familys_events_in_time_order(client, family_history, street_caseworker):
    titles = [e.title for e in timeline.family_timeline(family=family_history)]
    assert [t for t in titles if t in EXPECTED] == EXPECTED
    client.force_login(street_caseworker)
    assert reverse("admission:casework_family_timeline", args=[family_history.pk]) in (
        client.get(family_history.get_absolute_url()).content.decode()
    )
    page = client.get(
        reverse("admission:casework_family_timeline", args=[family_history.pk])
    ).content.decode()
    positions = [page.index(title) for title in EXPECTED]
    assert positions == sorted(positions)
    assert "办理阶段：已提交 → 街道审核" in page and "accept意见。" in page  # state change and opinion


def test_the_timeline_filters_by_kind(client, family_history, street_caseworker):
    client.force_login(street_caseworker)
    url = reverse("admission:casework_family_timeline", args=[family_history.pk])
    page = client.get(url, {"kind": "inspection"}).content.decode()
    assert "指派入户核查" in page and "入户核查完成" in page
    assert "上传档案：收入证明" not in page and "发起申请" not in page


def test_other_parts_add_events_through_the_source_registry(monkeypatch, family_history):
    def publicity_events(family):
        yield timeline.TimelineEvent(at=datetime.date(2026, 3, 12), kind="publicity", title="街道公示开始")

    monkeypatch.setitem(timeline._SOURCES, "tests.publicity_events", publicity_events)
    events = timeline.family_timeline(family=family_history)
    assert events[-1].title == "街道公示开始" and events[-1].kind_label == "公示"


def test_the_timeline_is_scoped_and_its_queries_bounded(
    client, family_history, other_district_reviewer, district_reviewer, django_assert_max_num_queries
):
    url = reverse("admission:casework_family_timeline", args=[family_history.pk])
    client.force_login(other_district_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(district_reviewer)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200 and "入户核查完成" in response.content.decode()
