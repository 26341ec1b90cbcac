"""导航式网上申请: an applicant fills a draft step by step, leaves, resumes elsewhere, submits, gets a receipt;
the case is then in the street caseworker's queue exactly like a window intake."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from admission.application_selectors import application_nodes, application_queue
from admission.models import Application, ApplicationState, FamilyMember
from admission.tests.factories import id_number
from housing.accounts.demo import demo_id_number
from housing.accounts.services import applicant_register
from housing.archive.models import Document
from portal.apply.models import ApplicationDraft, DraftStatus
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

pytestmark = pytest.mark.django_db

APPLICANT_BACKEND = "housing.accounts.backends.ApplicantBackend"
COMMUNITY_A1 = "440402001001"  # 翠香第一社区 (翠香街道, the street_caseworker's street)
CITIZEN_ID = demo_id_number("44040219850505432")  # the ``citizen`` persona's number
REQUIRED_FOR_RENT_SUBSIDY = ("id_card", "household_register", "income", "housing", "lease")


@pytest.fixture(autouse=True)
def default_rules(regions, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


def png(name: str = "scan.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend=APPLICANT_BACKEND)
    return client


def step_url(draft_pk: int, step: str) -> str:
    return reverse("portal:apply_step", args=[draft_pk, step])


def start(client, choice: str = "lianzu:rent_subsidy") -> int:
    response = client.post(reverse("portal:apply_start"), {"choice": choice})
    assert response.status_code == 302, response.content.decode()
    return int(re.search(r"/apply/(\d+)/", response["Location"]).group(1))


APPLICANT = {
    "applicant_name": "李市民",
    "id_type": "resident_id",
    "id_number": CITIZEN_ID,
    "phone": "13900000002",
    "region_code": COMMUNITY_A1,
    "hukou_county": "香洲区",
}


def fill_applicant(client, pk: int, **changes):
    return client.post(step_url(pk, "applicant"), {**APPLICANT, "action": "next", **changes})


def fill_rest(client, pk: int, *, spouse_id: str, upload: tuple[str, ...] = REQUIRED_FOR_RENT_SUBSIDY):
    """Members → income → housing → assets → documents → promise, each through its page."""
    added = client.post(
        step_url(pk, "members"),
        {
            "action": "add",
            "relation": "spouse",
            "name": "王配偶",
            "id_type": "resident_id",
            "id_number": spouse_id,
            "lives_with_family": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()
    assert client.post(step_url(pk, "members"), {"action": "next"}).status_code == 302
    draft = ApplicationDraft.objects.get(pk=pk)
    spouse_uid = draft.data["members"][0]["uid"]
    income = client.post(
        step_url(pk, "income"),
        {
            "action": "next",
            "p-self-annual_income": "12000",
            "p-self-employer": "香洲某公司",
            f"p-{spouse_uid}-annual_income": "6000",
        },
    )
    assert income.status_code == 302, income.content.decode()
    row = client.post(
        step_url(pk, "housing"),
        {
            "action": "add",
            "row-occupancy": "租住私房",
            "row-address_road": "凤凰路",
            "row-address_number": "8",
            "row-floor_area": "38.5",
            "row-rent": "1500",
            "row-owner": "",
            "row-owner_name": "房东王某",
        },
    )
    assert row.status_code == 302, row.content.decode()
    housing = client.post(step_url(pk, "housing"), {"action": "next", "family-total_floor_area": "0"})
    assert housing.status_code == 302, housing.content.decode()
    assert client.post(step_url(pk, "assets"), {"action": "next"}).status_code == 302
    for code in upload:
        uploaded = client.post(
            step_url(pk, "documents"), {"action": "upload", "requirement": code, "file": png(f"{code}.png")}
        )
        assert uploaded.status_code == 302, uploaded.content.decode()
    assert client.post(step_url(pk, "documents"), {"action": "next"}).status_code == 302
    promise = client.post(step_url(pk, "promise"), {"action": "next", "agree": "on"})
    assert promise["Location"] == step_url(pk, "review")


def test_full_flow_submits_an_application_into_the_street_caseworkers_queue(citizen, street_caseworker):
    client = login(citizen)
    assert "第 1 步，共 9 步" in client.get(reverse("portal:apply_start")).content.decode()
    pk = start(client)
    page = client.get(step_url(pk, "applicant")).content.decode()
    assert "第 2 步，共 9 步" in page and "保存并退出" in page
    assert fill_applicant(client, pk)["Location"] == step_url(pk, "members")
    fill_rest(client, pk, spouse_id=id_number(birth="19860101"))

    review = client.get(step_url(pk, "review")).content.decode()
    assert "还不能提交" not in review
    assert "王配偶" in review and CITIZEN_ID not in review  # numbers masked on the page
    assert review.count(">修改</a>") == 8

    response = client.post(reverse("portal:apply_submit", args=[pk]))
    assert response["Location"] == reverse("portal:apply_receipt", args=[pk])
    draft = ApplicationDraft.objects.get(pk=pk)
    application = draft.submitted_application
    assert draft.status == DraftStatus.SUBMITTED
    assert application.state == ApplicationState.SUBMITTED
    assert application.region_code == COMMUNITY_A1
    assert (application.project_code, application.mode_code) == ("lianzu", "rent_subsidy")
    family = application.family
    assert family.household_size == 2 and str(family.total_income) == "18000.00"
    assert FamilyMember.objects.filter(family=family, name="王配偶", relation="spouse").exists()
    assert application.housings.get().owner_name == "房东王某"
    documents = Document.objects.filter(application_number=application.receipt_number)
    assert documents.count() == len(REQUIRED_FOR_RENT_SUBSIDY)
    # The same services as the window: the workflow records the online channel.
    assert any("网上申请" in node.opinion for node in application_nodes(application=application))

    assert application in application_queue(user=street_caseworker)

    receipt = client.get(response["Location"]).content.decode()
    assert application.receipt_number in receipt and "下载 PDF 回执" in receipt

    # A second submission is refused; nothing new is filed.
    again = client.post(reverse("portal:apply_submit", args=[pk]), follow=True).content.decode()
    assert "不能重复提交" in again
    assert Application.objects.count() == 1


def test_resume_on_another_device_at_the_saved_step(citizen):
    phone = login(citizen)
    pk = start(phone)
    fill_applicant(phone, pk)
    saved = phone.post(
        step_url(pk, "members"),
        {
            "action": "add",
            "relation": "son",
            "name": "李小明",
            "id_type": "resident_id",
            "id_number": id_number(birth="20120101"),
        },
    )
    assert saved.status_code == 302
    leave = phone.post(step_url(pk, "members"), {"action": "save_exit"})
    assert leave["Location"] == reverse("portal:me")

    computer = login(citizen)  # a new session: nothing shared with the phone but the account
    me = computer.get(reverse("portal:me")).content.decode()
    assert "继续填写申请" in me
    resume = re.search(r'href="(/apply/\d+/[a-z]+/)"[^>]*>继续填写申请', me).group(1)
    assert resume == step_url(pk, "members")
    page = computer.get(resume).content.decode()
    assert "李小明" in page and "第 3 步，共 9 步" in page
    # The applicant's own number is never written back into the page.
    assert CITIZEN_ID not in computer.get(step_url(pk, "applicant")).content.decode()


def test_bad_input_is_refused_beside_the_field_and_the_input_kept(citizen):
    client = login(citizen)
    pk = start(client)
    wrong_id = fill_applicant(client, pk, id_number="440402198505054321", applicant_name="李市民改")
    page = wrong_id.content.decode()
    assert wrong_id.status_code == 200
    assert "身份证号码校验位不正确，请核对。" in page
    assert 'value="李市民改"' in page  # what was typed stays
    assert "applicant" not in ApplicationDraft.objects.get(pk=pk).data  # nothing saved

    someone_else = fill_applicant(client, pk, id_number=id_number(birth="19900101")).content.decode()
    assert "须与您注册账号时填写的身份证号码一致" in someone_else

    fill_applicant(client, pk)
    future = client.post(
        step_url(pk, "members"),
        {
            "action": "add",
            "relation": "son",
            "name": "李未来",
            "id_type": "resident_id",
            "id_number": id_number(birth="20100101"),
            "birth_date": "2999-01-01",
        },
    )
    assert "出生日期不能晚于今天" in future.content.decode()
    twice = client.post(
        step_url(pk, "members"),
        {
            "action": "add",
            "relation": "son",
            "name": "李重复",
            "id_type": "resident_id",
            "id_number": CITIZEN_ID,
        },
    ).content.decode()
    assert "同一人不能重复登记" in twice and 'value="李重复"' in twice
    assert ApplicationDraft.objects.get(pk=pk).data.get("members", []) == []

    negative = client.post(step_url(pk, "income"), {"action": "next", "p-self-annual_income": "-5"})
    assert "年收入不能为负数" in negative.content.decode() and 'value="-5"' in negative.content.decode()

    bad_file = client.post(
        step_url(pk, "documents"),
        {
            "action": "upload",
            "requirement": "id_card",
            "file": SimpleUploadedFile("id.png", b"MZ\x90\x00 not an image", content_type="image/png"),
        },
    ).content.decode()
    assert "可执行程序" in bad_file
    assert ApplicationDraft.objects.get(pk=pk).documents == {}


def test_a_missing_required_document_blocks_submission_with_its_name(citizen):
    client = login(citizen)
    pk = start(client)
    fill_applicant(client, pk)
    fill_rest(
        client, pk, spouse_id=id_number(birth="19860101"), upload=("id_card", "household_register", "income")
    )
    review = client.get(step_url(pk, "review")).content.decode()
    assert "缺少申请材料：现住房情况证明" in review and "缺少申请材料：房屋租赁合同" in review
    refused = client.post(reverse("portal:apply_submit", args=[pk]))
    assert refused.status_code == 400
    assert "缺少申请材料：房屋租赁合同" in refused.content.decode()
    assert Application.objects.count() == 0
    assert ApplicationDraft.objects.get(pk=pk).status == DraftStatus.OPEN


def test_another_applicant_gets_404_for_every_page_of_a_draft(citizen):
    client = login(citizen)
    pk = start(client)
    other = applicant_register(
        phone="13900000009",
        id_number=demo_id_number("44040219900101123"),
        real_name="赵他人",
        password="Test@Pass1",
    )
    intruder = login(other)
    for url in (
        step_url(pk, "applicant"),
        step_url(pk, "review"),
        reverse("portal:apply_receipt", args=[pk]),
        reverse("portal:apply_receipt_pdf", args=[pk]),
    ):
        assert intruder.get(url).status_code == 404
    assert intruder.post(reverse("portal:apply_submit", args=[pk])).status_code == 404
    assert intruder.post(step_url(pk, "applicant"), {**APPLICANT, "action": "next"}).status_code == 404
    assert Client().get(step_url(pk, "applicant")).status_code == 302  # anonymous: to the login page


def test_pdf_receipt_downloads_with_the_receipt_number(citizen, tmp_path):
    client = login(citizen)
    pk = start(client)
    fill_applicant(client, pk)
    fill_rest(client, pk, spouse_id=id_number(birth="19860101"))
    client.post(reverse("portal:apply_submit", args=[pk]))
    number = ApplicationDraft.objects.get(pk=pk).submitted_application.receipt_number
    response = client.get(reverse("portal:apply_receipt_pdf", args=[pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert number in text
    assert "住房保障网上申请回执" in text  # the CJK glyphs are really in the PDF
    assert CITIZEN_ID not in text


def test_selfcheck_result_starts_a_prefilled_draft(citizen):
    client = login(citizen)
    answers = {
        "region_code": "440400000000",
        "household_size": "1",
        "local_hukou_years": "6",
        "social_insurance_months": "24",
        "monthly_income_total": "1000",
        "floor_area_total": "12.5",
        "assets_total": "1000",
        "owns_property_in_city": "0",
        "owns_other_property": "0",
        "sold_property_within_5_years": "0",
        "enjoys_housing_security": "0",
        "on_credit_blacklist": "0",
    }
    result = client.post(reverse("portal:selfcheck"), answers).content.decode()
    assert "用这些信息开始申请" in result
    assert ApplicationDraft.objects.count() == 0  # nothing stored by the self-check itself

    choose = client.post(reverse("portal:apply_from_selfcheck"), answers).content.decode()
    assert ApplicationDraft.objects.count() == 0  # not until an application is started
    token = re.search(r'name="prefill" value="([^"]+)"', choose).group(1)
    started = client.post(reverse("portal:apply_start"), {"choice": "lianzu:rent_subsidy", "prefill": token})
    draft = ApplicationDraft.objects.get()
    assert started["Location"] == step_url(draft.pk, "applicant")
    assert draft.data["selfcheck"]["monthly_income_total"] == "1000"
    fill_applicant(client, draft.pk)
    client.post(step_url(draft.pk, "members"), {"action": "next"})
    income = client.get(step_url(draft.pk, "income")).content.decode()
    assert 'value="12000"' in income
    housing = client.get(step_url(draft.pk, "housing")).content.decode()
    assert 'value="12.5"' in housing or 'value="12.50"' in housing
