"""我的办事 on the portal: own cases only, public progress without internal opinions, 补件, 撤回, 复核,
站内信 and the 资格证明."""

from __future__ import annotations

import io
import subprocess
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from admission.application_selectors import application_nodes, application_queue
from admission.models import Application, ApplicationState
from admission.registry.models import ReviewAppeal
from housing.archive.models import Document
from housing.documents.models import IssuedDocument
from housing.notify.models import Channel, Message

from .conftest import CITIZEN_ID, SECRET, at, register, step, to_district_review

pytestmark = pytest.mark.django_db

S = ApplicationState


def _png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _pdf(name="scan.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return "".join(text.split())


# --- whose cases -----------------------------------------------------------------------------------------


def test_only_my_applications_are_listed_and_another_applicants_case_is_a_404(
    client, citizen, stranger, my_case, new_case, reviewers, city_admin
):
    mine = step(my_case, reviewers["street"], "submit")
    others = step(new_case(name="黄梅华"), reviewers["street"], "submit")
    url = reverse("portal:affairs_list")
    assert client.get(url).status_code == 302  # anonymous → the portal login

    client.force_login(citizen)
    page = client.get(url).content.decode()
    assert mine.receipt_number in page and "已提交，等待街道受理" in page
    assert others.receipt_number not in page and "黄梅华" not in page
    assert client.get(reverse("portal:affairs_detail", args=[mine.pk])).status_code == 200
    for name in ("affairs_detail", "affairs_withdraw", "affairs_supplement", "affairs_certificate"):
        assert client.get(reverse(f"portal:{name}", args=[others.pk])).status_code == 404
    assert client.get(reverse("portal:affairs_detail", args=[99999])).status_code == 404

    client.force_login(stranger)
    page = client.get(url).content.decode()
    assert 'data-testid="affairs-empty"' in page and mine.receipt_number not in page
    assert client.get(reverse("portal:affairs_detail", args=[mine.pk])).status_code == 404

    client.force_login(city_admin)
    assert client.get(url).status_code == 302  # staff use the back office


def test_the_timeline_shows_stages_dates_and_published_reasons_never_internal_opinions(
    client, citizen, my_case, reviewers
):
    app = to_district_review(my_case, reviewers)
    app = step(
        app,
        reviewers["district"],
        "request_supplement",
        opinion=f"退回。{SECRET}",
        supplement_items="1. 近6个月收入证明\n2. 户口簿首页",
    )
    client.force_login(citizen)
    page = client.get(reverse("portal:affairs_detail", args=[app.pk])).content.decode()
    for stage in (
        "提交申请",
        "街道受理",
        "街道审核通过，进入街道公示",
        "街道公示期满，转区级审核",
        "退回补件",
    ):
        assert stage in page
    assert "需补正材料" in page and "近6个月收入证明" in page and "户口簿首页" in page
    assert "下一步：" in page and "补件后回到区级审核" in page
    assert SECRET not in page
    # Nor who reviewed it.
    for reviewer in reviewers.values():
        assert reviewer.username not in page
    # The list flags it.
    listing = client.get(reverse("portal:affairs_list")).content.decode()
    assert "需要您处理" in listing and "请补交材料" in listing


# --- 补件 --------------------------------------------------------------------------------------------------


def test_supplement_upload_resubmits_to_the_returning_level_and_the_reviewer_sees_it(
    client, citizen, my_case, reviewers
):
    app = step(
        to_district_review(my_case, reviewers),
        reviewers["district"],
        "request_supplement",
        opinion="材料不全。",
        supplement_items="1. 收入证明；2. 户口簿",
    )
    client.force_login(citizen)
    url = reverse("portal:affairs_supplement", args=[app.pk])
    form_page = client.get(url).content.decode()
    assert 'name="item_0"' in form_page and 'name="item_1"' in form_page and "收入证明" in form_page

    response = client.post(
        url, {"item_0": [_png("income.png")], "item_1": [_pdf("hukou.pdf")], "note": "单位已盖章。"}
    )
    assert response.status_code == 302

    app = Application.objects.get(pk=app.pk)
    assert app.state == S.DISTRICT_REVIEW and app.returned_from == ""
    assert app in application_queue(user=reviewers["district"])
    documents = Document.objects.filter(application_number=app.receipt_number).order_by("pk")
    assert [d.category for d in documents] == ["income_proof", "household_register"]
    assert all(d.owner == app for d in documents)
    node = [n for n in application_nodes(application=app) if n.transition == "resubmit"][-1]
    assert "我的办事" in node.opinion and "单位已盖章" in node.opinion
    detail = client.get(reverse("portal:affairs_detail", args=[app.pk])).content.decode()
    assert "补交材料后重新提交" in detail and "区级审核中" in detail


def test_a_wrong_file_is_refused_beside_its_item_and_nothing_changes(client, citizen, my_case, reviewers):
    app = step(
        to_district_review(my_case, reviewers),
        reviewers["district"],
        "request_supplement",
        opinion="材料不全。",
        supplement_items="收入证明",
    )
    client.force_login(citizen)
    fake = SimpleUploadedFile("income.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("portal:affairs_supplement", args=[app.pk]), {"item_0": [fake], "note": "我的说明文字"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_item_0-error"' in page and "可执行程序" in page
    assert "我的说明文字" in page  # what was typed is kept
    assert Application.objects.get(pk=app.pk).state == S.RETURNED
    assert not Document.objects.filter(application_number=app.receipt_number).exists()


# --- 撤回 --------------------------------------------------------------------------------------------------


def test_withdraw_needs_a_reason_and_confirmation_and_ends_the_case(client, citizen, my_case, reviewers):
    app = step(my_case, reviewers["street"], "submit")
    client.force_login(citizen)
    url = reverse("portal:affairs_withdraw", args=[app.pk])
    assert "确认撤回" in client.get(url).content.decode()

    page = client.post(url, {"reason": "已购房"}).content.decode()
    assert "请勾选确认后再撤回" in page and "已购房" in page
    assert Application.objects.get(pk=app.pk).state == S.SUBMITTED

    assert client.post(url, {"reason": "已购房", "confirm": "on"}).status_code == 302
    app = Application.objects.get(pk=app.pk)
    assert app.state == S.WITHDRAWN
    assert "已购房" in list(application_nodes(application=app))[-1].opinion
    detail = client.get(reverse("portal:affairs_detail", args=[app.pk])).content.decode()
    assert "已撤回" in detail and url not in detail
    # Nothing left to withdraw.
    assert client.get(url).status_code == 302


# --- 复核 --------------------------------------------------------------------------------------------------


@pytest.fixture
def refused(my_case, reviewers, django_capture_on_commit_callbacks):
    """Refused at district review on 1 June 2026, its notice (and the citizen's 站内信) issued the same day."""
    with at(1, 10), django_capture_on_commit_callbacks(execute=True):
        app = step(
            to_district_review(my_case, reviewers),
            reviewers["district"],
            "refuse",
            opinion="家庭人均收入超过本市标准。",
            refusal_reason="income_over_limit",
        )
    return app


def test_an_appeal_within_the_period_is_recorded(client, citizen, refused):
    client.force_login(citizen)
    with at(6):
        listing = client.get(reverse("portal:affairs_list")).content.decode()
        assert "可申请复核" in listing
        detail = client.get(reverse("portal:affairs_detail", args=[refused.pk])).content.decode()
        # The published reason of the refusal (printed on the notice) is shown, with the notice to download.
        assert "家庭收入超过标准" in detail and "家庭人均收入超过本市标准" in detail
        assert "下载通知书" in detail and "2026年6月6日" in detail
        url = reverse("portal:affairs_appeal", args=[refused.pk])
        page = client.post(url, {"reason": ""}).content.decode()
        assert 'id="id_reason-error"' in page and not ReviewAppeal.objects.exists()
        assert client.post(url, {"reason": "妻子已失业，收入证明有误。"}).status_code == 302
    appeal = ReviewAppeal.objects.get(application=refused)
    assert appeal.reason == "妻子已失业，收入证明有误。" and appeal.level == "district"
    assert appeal.appellant_name == "李市民"
    with at(7):
        detail = client.get(reverse("portal:affairs_detail", args=[refused.pk])).content.decode()
    assert appeal.number in detail and "等待复核结果" in detail


def test_after_the_appeal_period_the_page_says_why_it_is_closed(client, citizen, refused):
    client.force_login(citizen)
    url = reverse("portal:affairs_appeal", args=[refused.pk])
    with at(7):
        detail = client.get(reverse("portal:affairs_detail", args=[refused.pk])).content.decode()
        assert "复核申请期限已过" in detail and "2026年6月6日" in detail and url not in detail
        assert "需要您处理" not in client.get(reverse("portal:affairs_list")).content.decode()
        page = client.post(url, {"reason": "迟到的复核申请。"}).content.decode()
    assert "复核申请期限已过" in page and "2026年6月1日" in page
    assert not ReviewAppeal.objects.exists()


def test_my_refusal_notice_downloads_and_anothers_is_404(client, citizen, stranger, refused):
    from admission.registry.models import DecisionNotice

    notice = DecisionNotice.objects.get(application=refused)
    url = reverse("portal:affairs_notice", args=[refused.pk, notice.pk])
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "不予登记通知书" in pdf_text(b"".join(response.streaming_content))


# --- 站内信 -------------------------------------------------------------------------------------------------


def test_messages_list_unread_first_and_opening_marks_read(client, citizen, stranger):
    from django.utils import timezone

    old_unread = Message.objects.create(
        channel=Channel.SITE, recipient=citizen, template_code="t", subject="旧的未读消息", body="请补件。"
    )
    read = Message.objects.create(
        channel=Channel.SITE,
        recipient=citizen,
        template_code="t",
        subject="较新的已读消息",
        body="已受理。",
        read_at=timezone.now(),
    )
    others = Message.objects.create(
        channel=Channel.SITE, recipient=stranger, template_code="t", subject="别人的消息", body="x"
    )
    client.force_login(citizen)
    page = client.get(reverse("portal:affairs_messages")).content.decode()
    assert page.index("旧的未读消息") < page.index("较新的已读消息")
    assert 'data-testid="message-unread"' in page and "1 条未读" in page and "别人的消息" not in page
    me = client.get(reverse("portal:me")).content.decode()
    assert 'data-testid="my-affairs"' in me and "1 条未读消息" in me

    detail = client.get(reverse("portal:affairs_message_detail", args=[old_unread.pk]))
    assert "请补件。" in detail.content.decode()
    old_unread.refresh_from_db()
    assert old_unread.read_at is not None and read.read_at is not None
    assert (
        'data-testid="message-unread"' not in client.get(reverse("portal:affairs_messages")).content.decode()
    )
    assert client.get(reverse("portal:affairs_message_detail", args=[others.pk])).status_code == 404


# --- 资格证明 -----------------------------------------------------------------------------------------------


def test_the_certificate_is_given_only_when_registered_and_only_to_the_owner(
    client, citizen, stranger, my_case, reviewers
):
    client.force_login(citizen)
    app = my_case  # a draft: no certificate yet
    url = reverse("portal:affairs_certificate", args=[app.pk])
    response = client.get(url)
    assert response.status_code == 302 and not IssuedDocument.objects.exists()
    detail = client.get(reverse("portal:affairs_detail", args=[app.pk])).content.decode()
    assert url not in detail

    app = register(Application.objects.get(pk=app.pk), reviewers)
    assert app.state == S.REGISTERED
    detail = client.get(reverse("portal:affairs_detail", args=[app.pk])).content.decode()
    assert url in detail and "记入住房保障对象登记簿" in detail
    assert detail.index("市级公示期满，准予登记") < detail.index("记入住房保障对象登记簿")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "住房保障资格证明" in text and app.receipt_number in text and "具备住房保障资格" in text
    issued = IssuedDocument.objects.get()
    assert issued.number in text
    # A second download is the same certificate, not a new number.
    again = client.get(url)
    assert issued.number in pdf_text(b"".join(again.streaming_content))
    assert IssuedDocument.objects.count() == 1

    client.force_login(stranger)
    assert client.get(url).status_code == 404


# --- the card and the list's cost -------------------------------------------------------------------------


def test_the_me_card_counts_my_cases_and_those_needing_me(client, citizen, my_case, reviewers):
    step(
        to_district_review(my_case, reviewers),
        reviewers["district"],
        "request_supplement",
        opinion="材料不全。",
        supplement_items="收入证明",
    )
    client.force_login(citizen)
    me = client.get(reverse("portal:me")).content.decode()
    assert "我的办事：1 件，1 件需要处理" in me


def test_the_list_query_count_does_not_grow_with_the_rows(
    client, citizen, my_case, reviewers, django_assert_max_num_queries
):
    step(my_case, reviewers["street"], "submit")
    family = my_case.family
    states = [S.REFUSED, S.WITHDRAWN, S.RETURNED, S.REGISTERED, S.STREET_REVIEW]
    Application.objects.bulk_create(
        [
            Application(
                family=family,
                region_code=family.region_code,
                receipt_number=f"SQ-TEST-{i:04d}",
                project_code="gongzu",
                mode_code="rental_in_kind",
                state=states[i % len(states)],
            )
            for i in range(40)
        ]
    )
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:affairs_list")).content.decode()
    assert page.count('data-testid="affair-row"') == 10 and "第 1 页 / 共 5 页" in page
    with django_assert_max_num_queries(12):
        client.get(reverse("portal:affairs_list") + "?page=3")
    assert CITIZEN_ID not in page
