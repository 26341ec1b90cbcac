"""Back-office pages: the request form with errors beside the field, the detail's computation and actions,
another district's 404, the lists' bounded query counts, the nav item."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from allocation.resale.models import Resale, ResaleState, SaleReturn
from allocation.resale.services import resale_request, sale_return_register

D = datetime.date


def _request(contract, actor, **extra):
    data = {"contract": contract, "actor": actor, "certificate_number": "粤不动产权第1号",
            "certificate_date": D(2022, 8, 10), "deed_tax_date": D(2022, 8, 10), "requested_on": D(2025, 12, 10),
            "route": "buy_back"} | extra  # fmt: skip
    return resale_request(**data)


def test_request_form_refuses_a_market_resale_before_five_years_beside_the_field(
    sold, officer, indices, client
):
    contract = sold()
    client.force_login(officer)
    url = reverse("allocation:resale_new")
    form = {"contract": contract.number, "certificate_number": "粤不动产权第1号", "certificate_date": "2022-08-10",
            "deed_tax_date": "2022-08-10", "requested_on": "2025-12-10", "route": "market", "guide_price": "900000"}  # fmt: skip
    page = client.post(url, form).content.decode()
    assert "前不能上市交易，只能申请政府回购" in page and "粤不动产权第1号" in page
    page = client.post(url, {**form, "contract": "JS-1999-000001"}).content.decode()
    assert "本辖区内没有这个经济适用住房买卖合同编号" in page
    assert not Resale.objects.exists()
    response = client.post(url, {**form, "route": "buy_back"})
    resale = Resale.objects.get()
    assert response.status_code == 302 and response["Location"] == resale.get_absolute_url()
    detail = client.get(resale.get_absolute_url()).content.decode()
    assert (
        "569105.60" in detail and "0.9333" in detail and "103.7000" in detail and "40（3年4个月）" in detail
    )


def test_detail_decides_and_completes_a_buy_back(
    sold, officer, indices, client, django_capture_on_commit_callbacks
):
    resale = _request(sold(), officer)
    client.force_login(officer)
    url = resale.get_absolute_url()
    page = client.post(url, {"action": "decide", "decision": "refuse", "opinion": ""}).content.decode()
    assert "不予办理时请填写理由" in page
    assert Resale.objects.get().state == ResaleState.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "decide", "decision": "buy_back"}).status_code == 302
    page = client.get(url).content.decode()
    assert "经济适用住房回购通知书" in page
    pdf = client.get(reverse("allocation:resale_notice_pdf", args=[resale.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    page = client.post(url, {"action": "complete", "completed_on": "2030-01-01"}).content.decode()
    assert "办结日期不能晚于今天" in page and Resale.objects.get().state == ResaleState.BUY_BACK
    assert client.post(url, {"action": "complete", "completed_on": "2026-11-30"}).status_code == 302
    assert Resale.objects.get().state == ResaleState.BOUGHT_BACK
    assert "回购完成" in client.get(url).content.decode()


def test_another_district_gets_404_and_sees_nothing(sold, officer, indices, other_district_reviewer, client):
    contract = sold()
    resale = _request(contract, officer)
    sale_return = sale_return_register(contract=sold(name="林退回"), actor=officer, reason="合同解除",
                                       due_on=D(2026, 3, 1))  # fmt: skip
    client.force_login(other_district_reviewer)
    assert client.get(resale.get_absolute_url()).status_code == 404
    assert client.get(reverse("allocation:resale_notice_pdf", args=[resale.pk])).status_code == 404
    assert client.get(sale_return.get_absolute_url()).status_code == 404
    assert resale.number not in client.get(reverse("allocation:resale_list")).content.decode()


def test_district_reviewer_reads_but_cannot_act(sold, officer, indices, district_reviewer, client):
    resale = _request(sold(), officer)
    client.force_login(district_reviewer)
    page = client.get(resale.get_absolute_url()).content.decode()
    assert "569105.60" in page and "提交审批" not in page
    assert (
        client.post(resale.get_absolute_url(), {"action": "decide", "decision": "buy_back"}).status_code
        == 403
    )
    assert Resale.objects.get().state == ResaleState.REQUESTED
    assert client.get(reverse("allocation:resale_new")).status_code == 403


def test_return_pages_register_and_complete(sold, officer, client):
    contract = sold()
    client.force_login(officer)
    page = client.post(reverse("allocation:resale_return_new"),
                       {"contract": contract.number, "reason": "合同解除", "due_on": "2025-01-01"}).content.decode()  # fmt: skip
    assert "应回退时间不能早于合同签署时间" in page and not SaleReturn.objects.exists()
    response = client.post(reverse("allocation:resale_return_new"),
                           {"contract": contract.number, "reason": "合同解除", "due_on": "2026-03-01"})  # fmt: skip
    sale_return = SaleReturn.objects.get()
    assert response["Location"] == sale_return.get_absolute_url()
    assert client.post(sale_return.get_absolute_url(), {"returned_on": "2026-03-02"}).status_code == 302
    page = client.get(sale_return.get_absolute_url()).content.decode()
    assert "已退回" in page and "已交付" in page


def test_lists_keep_their_query_count_with_many_rows(
    sold, officer, indices, client, django_assert_max_num_queries
):
    for n in range(3):
        _request(sold(name=f"陈经适{n}"), officer)
        sale_return_register(
            contract=sold(name=f"林退回{n}"), actor=officer, reason="合同解除", due_on=D(2026, 3, 1)
        )
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("allocation:resale_list")).content.decode()
    assert page.count("ZS-2025-") == 3 and "经适房退回与上市" in page
    with django_assert_max_num_queries(14):
        page = client.get(reverse("allocation:resale_returns")).content.decode()
    assert page.count("合同解除") == 3
    for n in range(3, 6):
        _request(sold(name=f"陈经适{n}"), officer)
    with django_assert_max_num_queries(14):
        client.get(reverse("allocation:resale_list"), {"state": "requested"})


def test_the_resale_amounts_are_shown_for_a_market_request(sold, officer, indices, client):
    resale = _request(sold(), officer, certificate_date=D(2019, 6, 1), deed_tax_date=D(2019, 6, 1),
                      requested_on=D(2026, 11, 2), route="market", guide_price=Decimal("900000"))  # fmt: skip
    client.force_login(officer)
    page = client.get(resale.get_absolute_url()).content.decode()
    assert "156000.00" in page and "准予上市（放弃优先回购）" in page and "政府优先回购" in page
