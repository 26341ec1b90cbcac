from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing.audit.models import AuditAction, AuditEvent
from housing.exchange.models import ImportBatch, MirrorRecord
from housing.exchange.services import mirror_record_add

from .conftest import ID_A, INCOME_HEADER, csv_bytes

PAGES = ["exchange:datasets", "exchange:import", "exchange:batches", "exchange:lookup"]


@pytest.mark.parametrize("name", PAGES)
def test_street_caseworker_gets_403(client, street_caseworker, datasets, name):
    client.force_login(street_caseworker)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_city_centre_opens_every_page_and_sees_the_menu(client, city_admin, datasets, name):
    client.force_login(city_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "数据交换" in response.content.decode()


def test_dataset_list_shows_record_counts(client, city_admin, datasets, django_assert_max_num_queries):
    for n in range(3):
        mirror_record_add(dataset=datasets["income"], id_number=ID_A, values={"year": 2020 + n, "annual_income": "1"},
                          source="x", source_date=dt.date(2026, 1, 1))  # fmt: skip
    client.force_login(city_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:datasets"))
    row = [line for line in response.content.decode().split("<tr>") if "<code>income</code>" in line][0]
    assert '<td class="text-end">3</td>' in row


def _post_import(client, content, **extra):
    data = {
        "dataset": extra.pop("dataset"),
        "file": SimpleUploadedFile("收入.csv", content, content_type="text/csv"),
        "source_date": "2026-06-30",
        **extra,
    }
    return client.post(reverse("exchange:import"), data, follow=True)


def test_import_page_shows_the_row_by_row_report(client, city_admin, datasets):
    client.force_login(city_admin)
    content = csv_bytes([INCOME_HEADER, [ID_A, "2025", "1", ""], ["110", "2025", "x", ""]])
    response = _post_import(client, content, dataset=datasets["income"].pk)
    html = response.content.decode()
    assert (
        "未导入" in html and "第3行" in html and "身份证号码应为18位" in html and "“年收入”应为数值" in html
    )
    assert MirrorRecord.objects.count() == 0
    response = _post_import(client, content, dataset=datasets["income"].pk, import_valid_rows="on")
    assert "部分导入" in response.content.decode()
    assert MirrorRecord.objects.count() == 1
    response = _post_import(client, content, dataset=datasets["income"].pk, import_valid_rows="on")
    assert "不能重复导入" in response.content.decode()
    assert ImportBatch.objects.count() == 2


def test_batch_list_query_count_is_bounded(client, city_admin, datasets, django_assert_max_num_queries):
    for n in range(15):
        ImportBatch.objects.create(dataset=datasets["income"], file_name=f"f{n}.csv", sha256=f"{n:064d}",
                                   source_date=dt.date(2026, 1, 1), status="rejected", imported_by=city_admin)  # fmt: skip
    client.force_login(city_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:batches"))
    assert "f14.csv" in response.content.decode()


def test_batch_detail_404_for_a_missing_batch(client, city_admin, datasets):
    client.force_login(city_admin)
    assert client.get(reverse("exchange:batch_detail", args=[999999])).status_code == 404


def test_lookup_shows_masked_records_and_is_audited(client, city_admin, datasets):
    mirror_record_add(dataset=datasets["income"], id_number=ID_A, values={"year": 2025, "annual_income": "52000"},
                      source="个税.xlsx", source_date=dt.date(2026, 6, 30))  # fmt: skip
    client.force_login(city_admin)
    response = client.post(reverse("exchange:lookup"), {"id_number": ID_A})
    html = response.content.decode()
    assert ID_A not in html
    assert ID_A[:4] + "*" * 10 + ID_A[-4:] in html
    assert "年收入" in html and "52000" in html and "个税.xlsx" in html and "有记录" in html
    event = AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_type="exchange.person").get()
    assert event.actor == city_admin and ID_A not in event.description and ID_A not in event.object_repr


def test_lookup_rejects_an_invalid_id_without_auditing(client, city_admin, datasets):
    client.force_login(city_admin)
    response = client.post(reverse("exchange:lookup"), {"id_number": "12345"})
    assert "身份证号码应为18位" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


@pytest.mark.parametrize("model", ["dataset", "importbatch", "mirrorrecord"])
def test_admin_changelists_open(client, superuser, datasets, model):
    mirror_record_add(dataset=datasets["income"], id_number=ID_A, values={"year": 2025, "annual_income": "1"},
                      source="x", source_date=dt.date(2026, 1, 1))  # fmt: skip
    client.force_login(superuser)
    response = client.get(reverse(f"admin:exchange_{model}_changelist"))
    assert response.status_code == 200
    assert ID_A not in response.content.decode()


def test_demo_seeder_is_idempotent(datasets):
    from housing.exchange.demo import seed_demo_exchange

    seed_demo_exchange()
    count = MirrorRecord.objects.count()
    seed_demo_exchange()
    assert count > 5 and MirrorRecord.objects.count() == count
