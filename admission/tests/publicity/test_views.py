"""Back-office pages of publicity: lists (bounded queries, Excel), batch and objection pages, scope 404s, PDF."""

from __future__ import annotations

import io
import subprocess

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from admission.models import Application, ApplicationState
from admission.publicity.models import BatchState, Objection, PublicityBatch
from admission.publicity.services import objection_record, publicity_batch_create, publicity_batch_publish
from conftest import STREET_A1

from .conftest import at

S = ApplicationState


def _published_batch(actor, when="2025-03-03"):
    batch = publicity_batch_create(
        level="street", region_code=STREET_A1, method="notice", location="翠香街道办事处公告栏", actor=actor
    )
    with time_machine.travel(at(when), tick=False):
        return publicity_batch_publish(batch=batch, actor=actor)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _objection(app, actor):
    return objection_record(
        application=app,
        actor=actor,
        channel="visit",
        content="该户有车辆未申报。",
        reporter_name="王举报",
        reporter_phone="13712345678",
    )


def test_a_caseworker_compiles_and_publishes_a_batch_from_the_pages(
    in_street_publicity, street_caseworker, client
):
    app = in_street_publicity()
    client.force_login(street_caseworker)
    listing = client.get(reverse("admission:publicity_batch_list")).content.decode()
    create = reverse("admission:publicity_batch_create", args=["street"])
    assert create in listing and reverse("admission:publicity_batch_create", args=["district"]) not in listing
    form = client.get(create).content.decode()
    assert app.receipt_number in form and "陈翠香" in form
    response = client.post(
        create,
        {
            "region_code": STREET_A1,
            "method": "notice",
            "location": "翠香街道公告栏",
            "applications": [app.pk],
        },
    )
    batch = PublicityBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    publish = reverse("admission:publicity_batch_publish", args=[batch.pk])
    assert publish in page and app.receipt_number in page and "陈*香" in page
    client.post(publish)
    assert PublicityBatch.objects.get(pk=batch.pk).state == BatchState.PUBLISHED
    published = client.get(batch.get_absolute_url()).content.decode()
    assert publish not in published
    assert reverse("admission:publicity_objection_record", args=[app.pk]) in published


def test_the_create_form_shows_errors_beside_the_fields(in_street_publicity, street_caseworker, client):
    in_street_publicity()
    client.force_login(street_caseworker)
    create = reverse("admission:publicity_batch_create", args=["street"])
    page = client.post(
        create, {"region_code": STREET_A1, "method": "notice", "location": ""}
    ).content.decode()
    assert "请至少选择一宗案件" in page and "is-invalid" in page and not PublicityBatch.objects.exists()
    assert client.get(reverse("admission:publicity_batch_create", args=["city"])).status_code == 403


def test_batch_list_query_count_is_bounded_and_exports(
    in_street_publicity, street_caseworker, client, django_assert_max_num_queries
):
    for i in range(6):
        in_street_publicity(f"申请人{i}")
        publicity_batch_create(
            level="street", region_code=STREET_A1, method="notice", location="公告栏", actor=street_caseworker
        )
    client.force_login(street_caseworker)
    url = reverse("admission:publicity_batch_list")
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count("GS-440402001000-") >= 6
    export = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["公示批次编号", "公示标题"]
    assert sheet.max_row == 7


def test_batch_pages_are_404_outside_the_scope(
    in_street_publicity, street_caseworker, other_street_caseworker, other_district_reviewer, client
):
    in_street_publicity()
    batch = _published_batch(street_caseworker)
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        for name in ("publicity_batch_detail", "publicity_batch_pdf", "publicity_batch_xlsx"):
            assert client.get(reverse(f"admission:{name}", args=[batch.pk])).status_code == 404
        assert batch.number not in client.get(reverse("admission:publicity_batch_list")).content.decode()


def test_the_batch_pdf_is_numbered_chinese_and_masked(
    in_street_publicity, street_caseworker, client, tmp_path
):
    app = in_street_publicity("陈翠香")
    batch = _published_batch(street_caseworker)
    client.force_login(street_caseworker)
    response = client.get(reverse("admission:publicity_batch_pdf", args=[batch.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "batch.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    text = text.decode()
    assert "审核结果公示" in text and "实名反映" in text and "第1页共1页" in text.replace(" ", "")
    assert batch.number in text and f"{batch.number}-001" in text and app.receipt_number in text
    assert "陈*香" in text and "陈翠香" not in text
    assert app.family.id_number_masked in text and app.family.id_number not in text


def test_the_batch_excel_has_the_a312_columns(in_street_publicity, street_caseworker, client):
    app = in_street_publicity()
    batch = _published_batch(street_caseworker)
    client.force_login(street_caseworker)
    response = client.get(reverse("admission:publicity_batch_xlsx", args=[batch.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:9] == (
        "序号",
        "公示编号",
        "申请编号",
        "办理阶段",
        "公示开始时间",
        "公示截止时间",
        "公示方式",
        "公示地点",
        "公示是否通过",
    )
    assert rows[1][2] == app.receipt_number and rows[1][9] == "陈*香"


def test_application_page_has_the_publicity_tab_and_no_manual_close_button(
    in_street_publicity, street_caseworker, client
):
    app = in_street_publicity()
    batch = _published_batch(street_caseworker)
    client.force_login(street_caseworker)
    page = client.get(app.get_absolute_url()).content.decode()
    assert "公示与异议" in page and batch.entries.get().publicity_number in page
    assert "街道公示期满" not in page and "异议冻结" not in page
    assert reverse("admission:publicity_objection_record", args=[app.pk]) in page
    close = reverse("admission:application_transition", args=[app.pk, "street_publicity_close"])
    assert client.post(close, {"opinion": "期满"}).status_code == 404
    assert Application.objects.get(pk=app.pk).state == S.STREET_PUBLICITY


def test_recording_assigning_and_deciding_an_objection_through_the_forms(
    in_street_publicity, street_caseworker, client
):
    app = in_street_publicity()
    _published_batch(street_caseworker, when="2025-03-03")
    client.force_login(street_caseworker)
    record = reverse("admission:publicity_objection_record", args=[app.pk])
    with time_machine.travel(at("2025-03-05"), tick=True):
        page = client.post(
            record, {"channel": "phone", "content": "有房。", "received_at": "2025-03-05T09:00"}
        )
        assert "这个字段是必填项" in page.content.decode()  # 举报人姓名、电话 required, beside the fields
        fields = {
            "channel": "phone",
            "content": "有房。",
            "received_at": "2025-03-05T09:00",
            "reporter_name": "王举报",
            "reporter_phone": "13712345678",
        }
        bad = client.post(record, {**fields, "evidence": SimpleUploadedFile("证据.png", b"MZ\x90\x00binary")})
        assert "可执行程序" in bad.content.decode() and not Objection.objects.exists()  # nothing saved
        response = client.post(record, {**fields, "evidence": SimpleUploadedFile("证据.png", _png())})
    objection = Objection.objects.get()
    assert response["Location"] == objection.get_absolute_url()
    assert Application.objects.get(pk=app.pk).state == S.FROZEN
    client.logout()  # back from the time travel: a fresh session, not one idle since 2025
    client.force_login(street_caseworker)
    detail = client.get(objection.get_absolute_url()).content.decode()
    assert "137****5678" in detail and "13712345678" not in detail and "指派查证人" in detail
    assert "举报证据：证据.png" in detail  # the evidence is in the archive, filed under the objection
    # While frozen, the case page offers no 不予登记 around the objection: it is decided on the objection.
    case_page = client.get(reverse("admission:application_detail", args=[app.pk])).content.decode()
    assert "不予登记</a>" not in case_page
    assign = reverse("admission:publicity_objection_assign", args=[objection.pk])
    assert street_caseworker.display_name in client.get(assign).content.decode()
    client.post(assign, {"investigator": street_caseworker.pk})
    decide = reverse("admission:publicity_objection_decide", args=[objection.pk])
    assert "查证方式" in client.get(decide).content.decode()
    client.post(
        decide, {"upheld": "false", "verification_method": "入户调查", "verification_result": "不属实。"}
    )
    assert Application.objects.get(pk=app.pk).state == S.STREET_PUBLICITY


def test_objection_pages_are_404_outside_the_scope_and_the_list_is_bounded(
    in_street_publicity,
    street_caseworker,
    other_street_caseworker,
    other_district_reviewer,
    client,
    django_assert_max_num_queries,
):
    apps = [in_street_publicity(f"申请人{i}") for i in range(5)]
    _published_batch(street_caseworker)
    with time_machine.travel(at("2025-03-05"), tick=False):
        objections = [_objection(app, street_caseworker) for app in apps]
    client.force_login(street_caseworker)
    url = reverse("admission:publicity_objection_list")
    with time_machine.travel(at("2025-03-20"), tick=True):
        with django_assert_max_num_queries(8):
            page = client.get(url, {"overdue": "true"}).content.decode()
    assert all(o.number in page for o in objections) and "已超期" in page
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        for name in ("detail", "assign", "decide"):
            response = client.get(reverse(f"admission:publicity_objection_{name}", args=[objections[0].pk]))
            assert response.status_code == 404
        assert (
            client.get(reverse("admission:publicity_objection_record", args=[apps[0].pk])).status_code == 404
        )
