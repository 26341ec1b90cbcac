"""Issue 6's browser journey on a phone (375×812, headless Chromium), the real pages throughout:

register (SMS code) → self-check (ineligible, then eligible after correcting an answer) → apply in steps,
leave half-way → log in again on another device and resume → submit → receipt and PDF → the case is in the
street caseworker's queue → 退回补件 → the supplement request in 我的办事 → upload → the progress shows the
case back at the street review.
"""

from __future__ import annotations

import io
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from admission.models import Application, ApplicationState
from conftest import PASSWORD
from housing.accounts.demo import demo_id_number
from housing.notify.services import notify_templates_sync
from portal.accounts.tests.helpers import last_sms_code
from portal.apply.models import ApplicationDraft, DraftStatus
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear
from tests.browser.conftest import office_login

SHOTS = Path("/tmp/shots")
PHONE_VIEWPORT = {"width": 375, "height": 812}  # as tests/browser/conftest.py's phone_page
PASSWORD_LABEL = re.compile(r"^密码")  # "密码" but not "确认密码"

PHONE = "13612345678"
ID_NUMBER = demo_id_number("44040219880808123")
COMMUNITY_A1 = "440402001001"  # 翠香街道 · 翠香第一社区: the street_caseworker's street
SUPPLEMENT = "近6个月收入证明（加盖单位公章）"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal_journey_{name}.png"), full_page=True)


def _assert_no_sideways_scroll(page) -> None:
    """Usable at 375px: nothing forces the reader to scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def _png(name: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (230, 230, 230)).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def _pdf(name: str) -> dict:
    """A minimal, well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return {"name": name, "mimeType": "application/pdf", "buffer": out.getvalue()}


def _phone_context(browser):
    return browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, locale="zh-CN")


def _next(page) -> None:
    page.get_by_role("button", name="保存，下一步").click()


def _expect_step(page, number: int, title: str) -> None:
    expect(page.locator("#step-indicator")).to_have_text(f"第 {number} 步，共 9 步：{title}")


@pytest.fixture
def policies(regions, settings, tmp_path):
    """The default rules in force, the SMS templates, files in a temporary media root, and the portal's
    rate-limit counters (Redis, kept across runs) in a namespace of this test's own: otherwise an earlier
    run's per-IP SMS count brings up the picture CAPTCHA."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PORTAL_ACCOUNTS_CACHE_PREFIX = f"test-portal-journey-{uuid.uuid4().hex}"
    notify_templates_sync()
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


def _register(page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="注册账号").click()
    expect(page).to_have_url(f"{base}/portal/register/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("姓名").fill("林小梅")
    page.get_by_label("身份证号码").fill(ID_NUMBER)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("我承诺以上信息真实").check()
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_text("验证码已发送")).to_be_visible()
    page.get_by_label("短信验证码").fill(last_sms_code(PHONE))
    _assert_no_sideways_scroll(page)
    _shot(page, "01_register")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(f"{base}/portal/me/")
    expect(page.get_by_role("alert")).to_contain_text("注册成功")
    expect(page.locator("#me-name")).to_have_text("林*梅")


def _selfcheck(page, base: str, *, monthly_income: str) -> None:
    """One person of 38, living in 12.5 m², renting; every question answered."""
    page.locator("#id_region_code").select_option("440402000000")
    for name, value in (
        ("household_size", "1"),
        ("local_hukou_years", "6"),
        ("social_insurance_months", "24"),
        ("monthly_income_total", monthly_income),
        ("floor_area_total", "12.5"),
        ("assets_total", "1000"),
        ("applicant_age", "38"),
    ):
        page.locator(f"#id_{name}").fill(value)
    for name in (
        "owns_property_in_city",
        "owns_other_property",
        "sold_property_within_5_years",
        "enjoys_housing_security",
        "on_credit_blacklist",
    ):
        page.locator(f"input[name='{name}'][value='0']").check()
    page.get_by_role("button", name="开始测算").click()
    expect(page.get_by_role("heading", name="测算结果")).to_be_visible()


def _verdict(page, title: str):
    return page.get_by_test_id("verdict").filter(has=page.get_by_role("heading", name=title, exact=True))


def _logout_on_a_phone(page, base: str) -> None:
    page.get_by_role("button", name="打开菜单").click()
    # The folded menu slides open; a tap while it is still sliding can land beside the button.
    expect(page.locator("#portal-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#portal-nav.collapsing")).to_have_count(0)
    logout = page.get_by_role("button", name="退出登录")
    expect(logout).to_be_visible()
    logout.click()
    expect(page).to_have_url(f"{base}/", timeout=15_000)  # a loaded CI machine answers slowly
    expect(page.get_by_role("link", name="已有账号，登录")).to_be_visible()


def _portal_login(page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="已有账号，登录").click()
    page.get_by_label("手机号码或身份证号码").fill(PHONE)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/portal/me/")


def test_register_selfcheck_apply_resume_submit_and_answer_a_supplement_request_on_a_phone(
    phone_page, browser, live_server, policies, street_caseworker
):
    base = live_server.url
    page = phone_page

    # --- 1. Register with the SMS code ------------------------------------------------------------------
    _register(page, base)
    _assert_no_sideways_scroll(page)

    # --- 2. Self-check: too high an income is named in plain words; corrected, the family fits ---------
    page.get_by_role("button", name="打开菜单").click()  # on a phone the menu is folded
    page.locator("#portal-nav").get_by_role("link", name="资格自测").click()
    expect(page).to_have_url(f"{base}/selfcheck/")
    expect(page.get_by_role("heading", name="资格自测", level=1)).to_be_visible()
    _selfcheck(page, base, monthly_income="3000")
    rent_subsidy = _verdict(page, "廉租住房 · 租赁补贴")
    expect(rent_subsidy).to_contain_text("暂不符合")
    expect(rent_subsidy).to_contain_text("家庭人均月收入 3,000 元，超过 1,549 元的标准")
    expect(page.locator("#id_monthly_income_total")).to_have_value("3000")  # kept to be corrected
    _assert_no_sideways_scroll(page)
    _shot(page, "02_selfcheck_ineligible")

    page.locator("#id_monthly_income_total").fill("1000")
    page.get_by_role("button", name="开始测算").click()
    rent_subsidy = _verdict(page, "廉租住房 · 租赁补贴")
    expect(rent_subsidy).to_contain_text("可能符合")
    expect(rent_subsidy).not_to_contain_text("超过")
    _assert_no_sideways_scroll(page)
    _shot(page, "03_selfcheck_eligible")
    assert ApplicationDraft.objects.count() == 0  # the self-check stores nothing

    # --- 3. Start the application with these answers --------------------------------------------------
    page.get_by_role("button", name="用这些信息开始申请").click()
    expect(page).to_have_url(f"{base}/apply/from-selfcheck/")
    _expect_step(page, 1, "选择保障项目")
    expect(page.get_by_text("您在资格自测中填写的内容")).to_be_visible()
    page.get_by_label(re.compile(r"廉租住房 · 租赁补贴")).check()
    _assert_no_sideways_scroll(page)
    page.get_by_role("button", name="开始申请").click()

    draft = ApplicationDraft.objects.get()
    expect(page).to_have_url(f"{base}/apply/{draft.pk}/applicant/")
    _expect_step(page, 2, "申请人信息")
    expect(page.get_by_label("申请人姓名")).to_have_value("林小梅")  # from the account
    page.locator("#id_id_number").fill(ID_NUMBER)
    page.get_by_label("居住地所属街道（社区）").select_option(COMMUNITY_A1)
    page.get_by_label("户籍所在地-县（市）-区").fill("香洲区")
    _assert_no_sideways_scroll(page)
    _shot(page, "04_applicant")
    _next(page)

    expect(page).to_have_url(f"{base}/apply/{draft.pk}/members/")
    _expect_step(page, 3, "家庭成员")
    expect(page.get_by_test_id("member-list")).to_contain_text("还没有登记家庭成员")
    _assert_no_sideways_scroll(page)
    _next(page)  # she applies alone

    expect(page).to_have_url(f"{base}/apply/{draft.pk}/income/")
    _expect_step(page, 4, "家庭收入")
    expect(page.get_by_text("您在资格自测中填写的家庭月总收入为 1000 元")).to_be_visible()
    income = page.locator("#id_p-self-annual_income")
    expect(income).to_have_value("12000")  # 1,000 a month × 12, from the self-check
    page.locator("#id_p-self-employer").fill("香洲某商贸公司")
    _assert_no_sideways_scroll(page)
    _shot(page, "05_income")

    # --- 4. Leave half-way: 保存并退出 keeps the step, 「我的」 offers to go on ------------------------------
    page.get_by_role("button", name="保存并退出").click()
    expect(page).to_have_url(f"{base}/portal/me/")
    expect(page.get_by_role("alert")).to_contain_text("已保存")
    expect(page.get_by_test_id("my-drafts")).to_contain_text("廉租住房 · 租赁补贴")
    _assert_no_sideways_scroll(page)
    _shot(page, "06_saved_and_left")
    _logout_on_a_phone(page, base)

    # --- 5. Another device: log in, resume from the 「我的」 card at the saved step ------------------------
    other = _phone_context(browser)
    try:
        page = other.new_page()
        _portal_login(page, base)
        card = page.get_by_test_id("my-drafts")
        expect(card).to_contain_text("草稿，最后保存")
        _assert_no_sideways_scroll(page)
        _shot(page, "07_me_resume_card")
        card.get_by_role("link", name="继续填写申请").click()
        expect(page).to_have_url(f"{base}/apply/{draft.pk}/income/")
        _expect_step(page, 4, "家庭收入")
        expect(page.locator("#id_p-self-employer")).to_have_value("香洲某商贸公司")  # nothing lost
        _next(page)

        expect(page).to_have_url(f"{base}/apply/{draft.pk}/housing/")
        _expect_step(page, 5, "住房情况")
        expect(page.locator("#id_family-total_floor_area")).to_have_value(re.compile(r"^12\.50?$"))
        page.get_by_label("房屋住用状况").select_option("租住私房")
        page.get_by_label("房屋地址-路（街、里、巷、小区）").fill("凤凰路")
        page.get_by_label("房屋地址-号").fill("8")
        page.locator("#id_row-floor_area").fill("12.5")
        page.locator("#id_row-rent").fill("900")
        page.get_by_label("产权人姓名").fill("房东王某")
        page.get_by_role("button", name="添加这处住房").click()
        expect(page.get_by_role("alert").filter(has_text="已添加一处住房")).to_be_visible()
        expect(page.get_by_test_id("housing-list")).to_contain_text("租住私房：凤凰路8")
        _assert_no_sideways_scroll(page)
        _shot(page, "08_housing")
        _next(page)

        expect(page).to_have_url(f"{base}/apply/{draft.pk}/assets/")
        _expect_step(page, 6, "家庭资产")
        _next(page)  # nothing to declare

        expect(page).to_have_url(f"{base}/apply/{draft.pk}/documents/")
        _expect_step(page, 7, "申请材料")
        uploads = {
            "id_card": _png("身份证.png"),
            "household_register": _pdf("户口簿.pdf"),
            "income": _pdf("收入证明.pdf"),
            "housing": _png("住房情况.png"),
            "lease": _pdf("租赁合同.pdf"),
        }
        for code, upload in uploads.items():
            section = page.get_by_test_id(f"requirement-{code}")
            expect(section.get_by_text("必须")).to_be_visible()
            section.locator(f"#file-{code}").set_input_files(upload)
            section.get_by_role("button", name="上传").click()
            expect(page.get_by_role("alert").filter(has_text=f"已上传：{upload['name']}")).to_be_visible()
            expect(page.get_by_test_id(f"requirement-{code}")).to_contain_text(upload["name"])
        _assert_no_sideways_scroll(page)
        _shot(page, "09_documents")
        _next(page)

        expect(page).to_have_url(f"{base}/apply/{draft.pk}/promise/")
        _expect_step(page, 8, "申请承诺")
        page.get_by_label("我已阅读并同意以上申请承诺").check()
        _assert_no_sideways_scroll(page)
        _next(page)

        # --- 6. Review and submit; the receipt and its PDF ---------------------------------------------
        expect(page).to_have_url(f"{base}/apply/{draft.pk}/review/")
        _expect_step(page, 9, "核对并提交")
        expect(page.locator("#problems")).to_have_count(0)
        expect(page.get_by_text("凤凰路").first).to_be_visible()
        expect(page.get_by_text(ID_NUMBER)).to_have_count(0)  # only the masked number is shown
        _assert_no_sideways_scroll(page)
        _shot(page, "10_review")
        page.get_by_role("button", name="提交申请").click()

        expect(page).to_have_url(f"{base}/apply/{draft.pk}/receipt/")
        expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
        draft.refresh_from_db()
        assert draft.status == DraftStatus.SUBMITTED
        application = draft.submitted_application
        receipt = application.receipt_number
        expect(page.locator("#receipt-number")).to_have_text(receipt)
        expect(page.get_by_text("网上申请", exact=True).last).to_be_visible()
        _assert_no_sideways_scroll(page)
        _shot(page, "11_receipt")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载 PDF 回执").click()
        download = download_info.value
        assert download.suggested_filename == f"{receipt}.pdf"
        pdf = Path(download.path())
        assert pdf.read_bytes().startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert receipt in text and "住房保障网上申请回执" in text
        assert ID_NUMBER not in text

        # --- 7. The street caseworker finds it in the queue and returns it for a supplement ------------
        office = browser.new_context(locale="zh-CN")
        try:
            desk = office.new_page()
            office_login(desk, base, street_caseworker)
            desk.goto(f"{base}/office/admission/applications/queue/")
            expect(desk.get_by_role("heading", name="待办申请")).to_be_visible()
            desk.get_by_role("link", name=receipt).click()
            expect(desk.get_by_test_id("state")).to_have_text("已提交")
            accept = desk.locator("form", has=desk.get_by_role("button", name="受理", exact=True))
            accept.get_by_placeholder("办理意见").fill("网上申请材料齐全，予以受理。")
            accept.get_by_role("button", name="受理", exact=True).click()
            expect(desk.get_by_role("alert").filter(has_text="已办理：受理")).to_be_visible()
            expect(desk.get_by_test_id("state")).to_have_text("街道审核")
            desk.get_by_role("link", name="退回补件").click()
            desk.get_by_label("办理意见").fill("收入证明未盖章。")
            desk.get_by_label("需补正材料").fill(SUPPLEMENT)
            desk.get_by_role("button", name="退回补件").click()
            expect(desk.get_by_role("alert").filter(has_text="已办理：退回补件")).to_be_visible()
            expect(desk.get_by_test_id("state")).to_have_text("退回补件")
            _shot(desk, "12_caseworker_returned")
        finally:
            office.close()

        # --- 8. The applicant sees the request in 我的办事, uploads, resubmits ----------------------------
        page.goto(f"{base}/portal/me/")
        expect(page.get_by_test_id("affairs-summary")).to_contain_text("1 件需要处理")
        page.get_by_test_id("my-affairs").get_by_role("link", name="查看详情").click()
        expect(page).to_have_url(f"{base}/affairs/")
        row = page.get_by_test_id("affair-row").filter(has_text=receipt)
        expect(row.get_by_test_id("needs-action")).to_contain_text("需要您处理")
        _assert_no_sideways_scroll(page)
        _shot(page, "13_affairs_needs_action")
        row.get_by_role("link").first.click()

        expect(page).to_have_url(f"{base}/affairs/{application.pk}/")
        request = page.get_by_test_id("supplement-request")
        expect(request).to_contain_text(SUPPLEMENT)
        expect(page.get_by_text("收入证明未盖章")).to_have_count(0)  # the internal opinion stays inside
        _assert_no_sideways_scroll(page)
        _shot(page, "14_affairs_supplement_request")
        request.get_by_role("link", name="上传补件材料").click()

        expect(page).to_have_url(f"{base}/affairs/{application.pk}/supplement/")
        expect(page.get_by_test_id("supplement-items")).to_contain_text(SUPPLEMENT)
        page.get_by_label(SUPPLEMENT).set_input_files(_pdf("盖章收入证明.pdf"))
        page.get_by_label("补充说明").fill("已补盖单位公章。")
        _assert_no_sideways_scroll(page)
        _shot(page, "15_supplement_upload")
        page.get_by_role("button", name="提交补件并重新提交申请").click()

        # --- 9. The progress shows the next stage: back at the street review ----------------------------
        expect(page).to_have_url(f"{base}/affairs/{application.pk}/")
        expect(page.get_by_text("补件材料已提交")).to_be_visible()
        expect(page.get_by_test_id("affair-stage")).to_have_text("街道审核中")
        expect(page.get_by_test_id("next-step")).to_contain_text("下一步：街道审核")
        expect(page.get_by_test_id("timeline")).to_contain_text("补交材料后重新提交")
        expect(page.get_by_test_id("timeline")).to_contain_text(f"需补正材料：{SUPPLEMENT}")
        expect(page.get_by_test_id("supplement-request")).to_have_count(0)
        _assert_no_sideways_scroll(page)
        _shot(page, "16_progress_back_at_street_review")
    finally:
        other.close()

    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.STREET_REVIEW
