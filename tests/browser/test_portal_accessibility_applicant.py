"""Accessibility of the applicant's own pages on a phone (issue 6 part 8): registration, login and 找回密码 with
the SMS-code block, every step of the guided application, the review and the receipt, and 我的办事 (list,
detail, withdraw, supplement, messages). At 375×812 axe-core (vendored) finds no serious or critical violation
and nothing scrolls sideways; one application step and the supplement page are filled and sent with the
keyboard alone, the focused control always visibly marked."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from admission.applications import application_transition
from admission.models import Application, ApplicationState
from admission.tests.factories import id_number
from housing.accounts.demo import demo_id_number
from housing.notify.models import Channel, Message
from portal.apply.models import ApplicationDraft, DraftStatus
from tests.browser.test_portal_accessibility import AXE, RUN_AXE
from tests.browser.test_portal_journey import (
    ID_NUMBER,
    PASSWORD_LABEL,
    PHONE,
    _assert_no_sideways_scroll,
    _pdf,
    _phone_context,
    policies,  # noqa: F401  (a fixture, used through pytestmark)
)

# ``policies``: the default rules, the SMS templates, a temporary media root, a rate-limit namespace of its own.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("policies"),
]

APPLICANT_BACKEND = "housing.accounts.backends.ApplicantBackend"
COMMUNITY_A1 = "440402001001"  # 翠香第一社区 (翠香街道, the street_caseworker's street)
CITIZEN_ID = demo_id_number("44040219850505432")  # the root conftest's ``citizen``
SUPPLEMENT = "近6个月收入证明（加盖单位公章）"
# The focused control carries a visible mark: an outline or Bootstrap's focus ring (a box-shadow).
FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


def _check(page, found: dict, label: str = "") -> None:
    """axe-core's serious and critical violations of the page as it is now, and its width."""
    page.add_script_tag(content=AXE)
    violations = page.evaluate(RUN_AXE)
    if violations:
        found[label or page.url] = violations
    _assert_no_sideways_scroll(page)


def _report(found: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


def _visit(page, url: str, found: dict) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    _check(page, found)


def _signed_in_page(browser, live_server, user):
    """A phone page signed in as ``user`` through the applicant backend (session in the shared cache)."""
    client = Client()
    client.force_login(user, backend=APPLICANT_BACKEND)
    context = _phone_context(browser)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return client, context, context.new_page()


def _png_upload(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _step_url(pk: int, step: str) -> str:
    return f"/apply/{pk}/{step}/"


def _start(client) -> int:
    response = client.post("/apply/", {"choice": "lianzu:rent_subsidy"})
    assert response.status_code == 302, response.content.decode()
    return int(re.search(r"/apply/(\d+)/", response["Location"]).group(1))


def _post(client, pk: int, step: str, data: dict) -> None:
    response = client.post(_step_url(pk, step), data)
    assert response.status_code == 302, response.content.decode()


def _fill_applicant(client, pk: int, citizen_id: str) -> None:
    _post(
        client,
        pk,
        "applicant",
        {
            "action": "next",
            "applicant_name": "李市民",
            "id_type": "resident_id",
            "id_number": citizen_id,
            "phone": "13900000002",
            "region_code": COMMUNITY_A1,
            "hukou_county": "香洲区",
        },
    )


def _fill_members(client, pk: int) -> None:
    _post(
        client,
        pk,
        "members",
        {
            "action": "add",
            "relation": "spouse",
            "name": "王配偶",
            "id_type": "resident_id",
            "id_number": id_number(birth="19860101"),
            "lives_with_family": "on",
        },
    )
    _post(client, pk, "members", {"action": "next"})


def _fill_income(client, pk: int) -> None:
    spouse = ApplicationDraft.objects.get(pk=pk).data["members"][0]["uid"]
    _post(
        client,
        pk,
        "income",
        {
            "action": "next",
            "p-self-annual_income": "12000",
            "p-self-employer": "香洲某公司",
            f"p-{spouse}-annual_income": "6000",
        },
    )


def _fill_from_housing(client, pk: int) -> None:
    """Housing (one rented row) → assets → documents (every required one) → promise."""
    _post(
        client,
        pk,
        "housing",
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
    _post(client, pk, "housing", {"action": "next", "family-total_floor_area": "0"})
    _post(client, pk, "assets", {"action": "next"})
    for code in ("id_card", "household_register", "income", "housing", "lease"):
        _post(
            client,
            pk,
            "documents",
            {"action": "upload", "requirement": code, "file": _png_upload(f"{code}.png")},
        )
    _post(client, pk, "documents", {"action": "next"})
    _post(client, pk, "promise", {"action": "next", "agree": "on"})


def _return_for_supplement(application: Application, caseworker) -> None:
    for name, extra in (("accept", {}), ("request_supplement", {"supplement_items": SUPPLEMENT})):
        application_transition(
            application=Application.objects.get(pk=application.pk),
            actor=caseworker,
            name=name,
            opinion="请补交材料。",
            **extra,
        )


def _tab_to(page, predicate: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies ``predicate`` (a JS expression over ``el``); there the
    focus must be visibly marked."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            page.wait_for_function(FOCUS_IS_VISIBLE, timeout=2000)
            return
    raise AssertionError(f"Tab never reached {predicate} on {page.url}")


# --- the pages --------------------------------------------------------------------------------------------


def test_account_pages_with_the_sms_code_block_have_no_serious_violation_at_375_px(
    phone_page,
    live_server,
):
    page, base, found = phone_page, live_server.url, {}

    for url in ("/portal/register/", "/portal/login/", "/portal/password-reset/"):
        _visit(page, f"{base}{url}", found)

    # 注册: the code sent (the status beside the button, the countdown running), then errors beside fields.
    page.goto(f"{base}/portal/register/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    _check(page, found, "register: code sent")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    _check(page, found, "register: errors")

    # 登录 with a wrong password: the error above the form.
    page.goto(f"{base}/portal/login/")
    page.get_by_label("手机号码或身份证号码").fill(PHONE)
    page.get_by_label(PASSWORD_LABEL).fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    _check(page, found, "login: error")

    # 找回密码: the send with an unregistered number, then the form sent empty.
    page.goto(f"{base}/portal/password-reset/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-send-status, #sms-send-error")).to_be_visible()
    _check(page, found, "password reset: code asked for")
    page.get_by_role("button", name="重置密码").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    _check(page, found, "password reset: errors")

    assert not found, _report(found)


def test_every_application_step_review_and_receipt_have_no_serious_violation_at_375_px(
    browser,
    live_server,
    citizen,
):
    client, context, page = _signed_in_page(browser, live_server, citizen)
    base, found = live_server.url, {}
    try:
        _visit(page, f"{base}/apply/", found)  # step 1: choose
        pk = _start(client)
        _visit(page, f"{base}{_step_url(pk, 'applicant')}", found)
        _visit(page, f"{base}{_step_url(pk, 'review')}", found)  # review of a half-filled draft: the problems
        _fill_applicant(client, pk, CITIZEN_ID)
        _fill_members(client, pk)
        _visit(page, f"{base}{_step_url(pk, 'members')}", found)  # with a member listed
        _visit(page, f"{base}{_step_url(pk, 'income')}", found)
        _fill_income(client, pk)
        _visit(page, f"{base}{_step_url(pk, 'housing')}", found)
        _fill_from_housing(client, pk)
        for step in ("housing", "assets", "documents", "promise", "review"):
            _visit(page, f"{base}{_step_url(pk, step)}", found)

        # A step sent with a mistake: the messages beside the fields.
        page.goto(f"{base}{_step_url(pk, 'income')}")
        page.locator("#id_p-self-annual_income").fill("-5")
        page.get_by_role("button", name="保存，下一步").click()
        expect(page.get_by_text("年收入不能为负数")).to_be_visible()
        _check(page, found, "income: error")

        page.goto(f"{base}{_step_url(pk, 'review')}")
        page.get_by_role("button", name="提交申请").click()
        expect(page).to_have_url(f"{base}/apply/{pk}/receipt/")
        _check(page, found)
        assert ApplicationDraft.objects.get(pk=pk).status == DraftStatus.SUBMITTED
    finally:
        context.close()
    assert not found, _report(found)


def test_my_affairs_pages_have_no_serious_violation_at_375_px(
    browser,
    live_server,
    citizen,
    street_caseworker,
):
    client, context, page = _signed_in_page(browser, live_server, citizen)
    base, found = live_server.url, {}
    try:
        pk = _start(client)
        _fill_applicant(client, pk, CITIZEN_ID)
        _fill_members(client, pk)
        _fill_income(client, pk)
        _fill_from_housing(client, pk)
        assert client.post(f"/apply/{pk}/submit/").status_code == 302
        application = ApplicationDraft.objects.get(pk=pk).submitted_application
        message = Message.objects.create(
            channel=Channel.SITE,
            recipient=citizen,
            template_code="t",
            subject="您的申请已受理",
            body="您的住房保障申请已受理，请留意后续通知。",
        )

        # A submitted case: the list, its detail, the withdraw form; the messages.
        for url in (
            "/affairs/",
            f"/affairs/{application.pk}/",
            f"/affairs/{application.pk}/withdraw/",
            "/affairs/messages/",
            f"/affairs/messages/{message.pk}/",
        ):
            _visit(page, f"{base}{url}", found)
        page.goto(f"{base}/affairs/{application.pk}/withdraw/")
        page.get_by_role("button", name="确认撤回").click()
        expect(page.locator("#form-errors")).to_be_visible()
        _check(page, found, "withdraw: errors")

        # Returned for a supplement: the list, the request in the detail, the upload form (and its errors).
        _return_for_supplement(application, street_caseworker)
        for url in ("/affairs/", f"/affairs/{application.pk}/", f"/affairs/{application.pk}/supplement/"):
            _visit(page, f"{base}{url}", found)
        page.get_by_role("button", name="提交补件并重新提交申请").click()
        expect(page.locator("#form-errors")).to_be_visible()
        _check(page, found, "supplement: errors")
    finally:
        context.close()
    assert not found, _report(found)


# --- the keyboard -------------------------------------------------------------------------------------------


def test_an_application_step_is_filled_and_saved_with_the_keyboard_alone(
    browser,
    live_server,
    citizen,
):
    client, context, page = _signed_in_page(browser, live_server, citizen)
    base = live_server.url
    try:
        pk = _start(client)
        _fill_applicant(client, pk, CITIZEN_ID)
        _fill_members(client, pk)
        page.goto(f"{base}{_step_url(pk, 'income')}")
        spouse = ApplicationDraft.objects.get(pk=pk).data["members"][0]["uid"]

        _tab_to(page, "el.id === 'id_p-self-annual_income'")
        page.keyboard.press("Control+A")
        page.keyboard.type("15000")
        _tab_to(page, "el.id === 'id_p-self-employer'")
        page.keyboard.type("香洲某物业公司")
        _tab_to(page, f"el.id === 'id_p-{spouse}-annual_income'")
        page.keyboard.press("Control+A")
        page.keyboard.type("7200")
        _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '保存，下一步'")
        page.keyboard.press("Enter")

        expect(page).to_have_url(f"{base}{_step_url(pk, 'housing')}")
        draft = ApplicationDraft.objects.get(pk=pk)
        people = draft.data["income"]["people"]
        assert str(people["self"]["annual_income"]).startswith("15000")
        assert people["self"]["employer"] == "香洲某物业公司"
        assert str(people[spouse]["annual_income"]).startswith("7200")
        assert "income" in draft.data["done"]
    finally:
        context.close()


def test_the_supplement_is_uploaded_and_sent_with_the_keyboard_alone(
    browser,
    live_server,
    citizen,
    street_caseworker,
):
    client, context, page = _signed_in_page(browser, live_server, citizen)
    base = live_server.url
    try:
        pk = _start(client)
        _fill_applicant(client, pk, CITIZEN_ID)
        _fill_members(client, pk)
        _fill_income(client, pk)
        _fill_from_housing(client, pk)
        assert client.post(f"/apply/{pk}/submit/").status_code == 302
        application = ApplicationDraft.objects.get(pk=pk).submitted_application
        _return_for_supplement(application, street_caseworker)

        # Listen before the page loads: Playwright turns on file-chooser interception when the first
        # listener is added, without waiting; on a loaded machine a Space pressed right after could reach
        # Chromium first and open no interceptable chooser.
        page.on("filechooser", lambda _chooser: None)
        page.goto(f"{base}/affairs/{application.pk}/supplement/")
        _tab_to(page, "el.type === 'file'")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(_pdf("盖章收入证明.pdf"))
        _tab_to(page, "el.tagName === 'TEXTAREA'")
        page.keyboard.type("已补盖单位公章。")
        _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('提交补件并重新提交申请')")
        page.keyboard.press("Enter")

        expect(page).to_have_url(f"{base}/affairs/{application.pk}/")
        expect(page.get_by_text("补件材料已提交")).to_be_visible()
        expect(page.get_by_test_id("affair-stage")).to_have_text("街道审核中")
    finally:
        context.close()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.STREET_REVIEW
