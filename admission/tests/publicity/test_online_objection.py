"""网上举报: a citizen with a real-name account objects to a posted case during its publicity, online."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from admission.models import Application, ApplicationState
from admission.publicity.models import Objection, ObjectionChannel, PublicityEntry
from admission.publicity.services import publicity_batch_create, publicity_batch_publish
from conftest import STREET_A1
from housing.archive.tests.conftest import pdf_bytes

from .conftest import at

IN_PERIOD = at("2025-03-05")
AFTER = at("2025-04-30")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def posted(in_street_publicity, street_caseworker):
    application = in_street_publicity("陈翠香")
    batch = publicity_batch_create(
        level="street", region_code=STREET_A1, method="website", location="本市住房保障服务平台",
        actor=street_caseworker,
    )  # fmt: skip
    with time_machine.travel(at("2025-03-03"), tick=False):
        batch = publicity_batch_publish(batch=batch, actor=street_caseworker)
    return application, batch, PublicityEntry.objects.get(batch=batch, application=application)


def _url(batch, entry):
    return reverse("portal:publicity_objection", args=[batch.number, entry.pk])


def test_an_anonymous_visitor_is_sent_to_log_in_first(posted, client):
    _app, batch, entry = posted
    response = client.get(_url(batch, entry))
    assert response.status_code == 302 and reverse("portal:login") in response.url


def test_a_signed_in_citizen_reports_online_with_evidence_and_the_case_is_frozen(posted, citizen, client):
    application, batch, entry = posted
    client.force_login(citizen)
    with time_machine.travel(IN_PERIOD, tick=False):
        page = client.post(
            _url(batch, entry),
            {
                "content": "该户在香洲区另有一套住房，由其配偶名下持有，我是同小区邻居。",
                "evidence": [SimpleUploadedFile("房产照片.pdf", pdf_bytes())],
            },
        ).content.decode()
    objection = Objection.objects.get(application=application)
    assert "举报已受理" in page and objection.number in page
    assert objection.channel == ObjectionChannel.ONLINE and objection.reporter_account == citizen
    assert objection.reporter_name == citizen.real_name and objection.reporter_phone == citizen.phone
    assert Application.objects.get(pk=application.pk).state == ApplicationState.FROZEN
    from django.contrib.contenttypes.models import ContentType

    from housing.archive.models import Document

    evidence = Document.objects.get(
        owner_content_type=ContentType.objects.get_for_model(Objection), owner_object_id=str(objection.pk)
    )
    assert evidence.name == "举报证据：房产照片.pdf"


def test_too_short_a_report_or_a_bad_file_saves_nothing_and_keeps_the_text(posted, citizen, client):
    _app, batch, entry = posted
    client.force_login(citizen)
    with time_machine.travel(IN_PERIOD, tick=False):
        short = client.post(_url(batch, entry), {"content": "不符合"}).content.decode()
        bad = client.post(
            _url(batch, entry),
            {
                "content": "该户隐瞒了经营收入，每月收入远超标准。",
                "evidence": [SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 program")],
            },
        ).content.decode()
    assert "至少 10 个字" in short and "不符合" in short
    assert "可执行程序" in bad and "隐瞒了经营收入" in bad
    assert not Objection.objects.exists()


def test_after_the_publicity_period_online_reporting_is_refused(posted, citizen, client):
    _app, batch, entry = posted
    client.force_login(citizen)
    with time_machine.travel(AFTER, tick=False):
        page = client.post(_url(batch, entry), {"content": "该户在外地有房产，未如实申报。"}).content.decode()
    assert "不在公示期内" in page and not Objection.objects.exists()


def test_the_public_list_offers_online_reporting_only_while_in_publicity(posted, client):
    _app, batch, entry = posted
    page = client.get(reverse("portal:publicity_detail", args=[batch.number])).content.decode()
    assert _url(batch, entry) in page and "我要举报" in page
