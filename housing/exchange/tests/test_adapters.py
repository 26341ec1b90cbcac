from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from housing.exchange.adapters import AdapterError, HttpJsonAdapter, MirrorAdapter, adapter_for
from housing.exchange.services import CheckOutcome, mirror_record_add, person_check

from .conftest import ID_A, ID_B


class FakeDepartment(BaseHTTPRequestHandler):
    """A department API: knows ID_A, fails for ID_B with 500, sleeps for the 'slow' dataset."""

    requests: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeDepartment.requests.append(
            {"body": body, "key": self.headers.get("X-Api-Key"), "path": self.path}
        )
        if body["dataset"] == "slow":
            time.sleep(1.5)
        if body["id_number"] == ID_B:
            self.send_response(500)
            self.end_headers()
            return
        records = []
        if body["id_number"] == ID_A:
            records = [{"employer": "某公司", "jfjs": "4300.50", "months_paid": 36, "is_active": "是"}]
        payload = json.dumps({"records": records, "source_date": "2026-07-01"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the timeout test's client hangs up before the slow reply: expected, not news


@pytest.fixture
def fake_server():
    server = QuietServer(("127.0.0.1", 0), FakeDepartment)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeDepartment.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def _adapter(url, **kwargs):
    return HttpJsonAdapter(url=url, key="k-123", field_map={"monthly_base": "jfjs"}, **kwargs)


def test_http_adapter_maps_a_found_record_to_the_schema(datasets, fake_server):
    records = _adapter(fake_server).lookup("social_insurance", ID_A)
    assert records == [
        {
            "values": {"employer": "某公司", "monthly_base": "4300.50", "months_paid": 36, "is_active": True},
            "source": fake_server,
            "source_date": dt.date(2026, 7, 1),
        }
    ]
    sent = FakeDepartment.requests[0]
    assert sent["key"] == "k-123" and sent["body"] == {"dataset": "social_insurance", "id_number": ID_A}
    assert ID_A not in sent["path"]  # the ID number is in the body, never in the URL


def test_http_adapter_not_found_is_an_empty_list(datasets, fake_server):
    other = ID_A[:-4] + "0000"
    assert _adapter(fake_server).lookup("social_insurance", other) == []


def test_http_adapter_server_error_is_a_clear_error(datasets, fake_server):
    with pytest.raises(AdapterError, match="HTTP 500"):
        _adapter(fake_server).lookup("social_insurance", ID_B)


def test_http_adapter_timeout_is_a_clear_error(datasets, fake_server):
    from housing.exchange.models import Dataset

    Dataset.objects.create(code="slow", name="慢接口", department="测试", fields=[])
    with pytest.raises(AdapterError, match="超时"):
        _adapter(fake_server, timeout=0.3).lookup("slow", ID_A)


def test_http_adapter_unreachable_is_a_clear_error(datasets):
    with pytest.raises(AdapterError, match="无法连接"):
        _adapter("http://127.0.0.1:9/none", timeout=1).lookup("social_insurance", ID_A)


def test_registry_picks_the_configured_adapter_or_the_mirror(fake_server):
    with override_settings(EXCHANGE_ADAPTERS={"social_insurance": {"url": fake_server, "key": "x"}}):
        assert isinstance(adapter_for("social_insurance"), HttpJsonAdapter)
        assert isinstance(adapter_for("income"), MirrorAdapter)


def test_mirror_returns_the_newest_extract_only(datasets):
    income = datasets["income"]
    mirror_record_add(dataset=income, id_number=ID_A, values={"year": 2024, "annual_income": "1"}, source="old",
                      source_date=dt.date(2025, 1, 1))  # fmt: skip
    mirror_record_add(dataset=income, id_number=ID_A, values={"year": 2025, "annual_income": "2"}, source="new",
                      source_date=dt.date(2026, 1, 1))  # fmt: skip
    records = MirrorAdapter().lookup("income", ID_A)
    assert [r["source"] for r in records] == ["new"]


def test_person_check_combines_mirror_and_live_sources(datasets, fake_server):
    mirror_record_add(dataset=datasets["income"], id_number=ID_A, values={"year": 2025, "annual_income": "52000"},
                      source="个税.xlsx", source_date=dt.date(2026, 6, 30))  # fmt: skip
    config = {"social_insurance": {"url": fake_server, "key": "x", "field_map": {"monthly_base": "jfjs"}}}
    with override_settings(EXCHANGE_ADAPTERS=config):
        results = person_check(id_number=ID_A, dataset_codes=["income", "social_insurance", "real_estate"])
        failing = person_check(id_number=ID_B, dataset_codes=["social_insurance", "income"])
    by_code = {r.dataset_code: r for r in results}
    assert by_code["income"].outcome == CheckOutcome.FOUND
    assert by_code["income"].records[0]["values"]["annual_income"] == "52000"
    assert by_code["income"].source == "本地镜像"
    assert by_code["social_insurance"].found and by_code["social_insurance"].source == fake_server
    assert by_code["real_estate"].outcome == CheckOutcome.NOT_FOUND and not by_code["real_estate"].records
    assert all(r.checked_at for r in results)
    # One department's outage is an error result; the other datasets still answer.
    assert [r.outcome for r in failing] == [CheckOutcome.ERROR, CheckOutcome.NOT_FOUND]
    assert "HTTP 500" in failing[0].error
