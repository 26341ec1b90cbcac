"""年审申报: the family declares in the portal (own review only), a correction is a new version, bad input
is kept with the message beside the field, and the back office compares the latest version with the file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from admission.models import FamilyMember
from allocation.annual_review.declaration_selectors import registered_members
from allocation.annual_review.declarations import AnnualReviewDeclaration, DeclarationChannel
from allocation.annual_review.models import AnnualReview, AnnualReviewEvent
from allocation.annual_review.services import annual_review_run
from housing.accounts.demo import demo_id_number
from housing.accounts.services import applicant_register

pytestmark = pytest.mark.django_db
CITY = "440400000000"
NEW_MEMBER_ID = demo_id_number("44040220200301002")


def _review(guaranteed, **kwargs) -> AnnualReview:
    entry = guaranteed(**kwargs)
    annual_review_run(year=2026, region_code=CITY, actor=None)
    return AnnualReview.objects.get(registry_entry=entry)


def _applicant_of(review, phone="13900000021"):
    return applicant_register(
        phone=phone, id_number=review.registry_entry.family.id_number,
        real_name=review.registry_entry.applicant_name, password="Test@Pass1",
    )  # fmt: skip


def _post_data(review, *, incomes=None, **overrides) -> dict:
    """Everyone still living together with the given incomes (default 30000.00 each)."""
    data = {}
    for i, m in enumerate(registered_members(review)):
        key = f"member_{m['member_id']}"
        data[f"{key}_living"] = "on"
        data[f"{key}_income"] = (incomes or {}).get(i, "30000.00")
    data.update({
        "floor_area": "45.00", "owns_property_in_city": "no", "phone": "13912345678",
        "address": "香洲区人民西路1号", "is_employed": "yes", "has_local_social_insurance": "yes",
        "commitment_signed": "on",
    })  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_applicant_declares_in_the_portal_and_the_card_shows_declared(client, guaranteed):
    review = _review(guaranteed)
    client.force_login(_applicant_of(review))
    me = client.get(reverse("portal:me")).content.decode()
    assert "年度复核：请更新家庭信息" in me and "待申报" in me
    url = reverse("portal:annual_review_declare", args=[review.pk])
    assert url in me
    members_before = list(
        FamilyMember.objects.filter(family=review.registry_entry.family).values_list(
            "annual_income", flat=True
        )
    )
    response = client.post(url, _post_data(review, incomes={0: "41000.50"}, new_member_name="林小新",
                                           new_member_id_number=NEW_MEMBER_ID, new_member_relation="son",
                                           new_member_income="0", new_member_joined_on="2026-03-01"))  # fmt: skip
    assert response.status_code == 302 and response.url == reverse("portal:me")
    declaration = AnnualReviewDeclaration.objects.get(review=review)
    assert declaration.version == 1 and declaration.channel == DeclarationChannel.PORTAL
    assert declaration.new_member_id_number == NEW_MEMBER_ID  # stored encrypted, kept whole
    assert declaration.new_member_id_number_masked == NEW_MEMBER_ID[:4] + "*" * 10 + NEW_MEMBER_ID[-4:]
    assert declaration.members[0]["annual_income"] == "41000.50"
    # the family file is not touched
    assert (
        list(
            FamilyMember.objects.filter(family=review.registry_entry.family).values_list(
                "annual_income", flat=True
            )
        )
        == members_before
    )  # noqa: E501
    me = client.get(reverse("portal:me")).content.decode()
    assert "已申报，待审核" in me and "年度复核信息已提交（第1版）" in me
    assert AnnualReviewEvent.objects.filter(review=review, opinion="门户申报（第1版）").exists()


def test_a_correction_before_the_decision_is_a_new_version_and_keeps_the_first(
    client, guaranteed, city_admin
):
    review = _review(guaranteed)
    client.force_login(_applicant_of(review))
    url = reverse("portal:annual_review_declare", args=[review.pk])
    client.post(url, _post_data(review))
    page = client.get(url).content.decode()
    assert "已申报，待审核" in page and 'value="13912345678"' in page  # the form starts from the last version
    client.post(url, _post_data(review, floor_area="60.00", phone="13988887777"))
    versions = list(AnnualReviewDeclaration.objects.filter(review=review).order_by("version"))
    assert [(d.version, d.floor_area) for d in versions] == [(1, Decimal("45.00")), (2, Decimal("60.00"))]
    client.force_login(city_admin)
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "第2版" in detail and 'data-testid="earlier-versions"' in detail and "第1版" in detail
    assert "139****7777" in detail and "13988887777" not in detail


def test_another_applicants_review_and_a_decided_review_are_404(client, guaranteed, city_admin):
    mine = _review(guaranteed)
    other = _review(guaranteed)
    client.force_login(_applicant_of(mine))
    assert client.get(reverse("portal:annual_review_declare", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("portal:annual_review_declare", args=[other.pk]), _post_data(other)).status_code
        == 404
    )
    assert not AnnualReviewDeclaration.objects.exists()
    from allocation.annual_review.services import annual_review_decide

    annual_review_decide(review=mine, actor=city_admin, decision="continue", opinion="无变化")
    assert client.get(reverse("portal:annual_review_declare", args=[mine.pk])).status_code == 404
    assert "年度复核：请更新家庭信息" not in client.get(reverse("portal:me")).content.decode()


def test_bad_input_is_kept_with_chinese_messages_beside_the_fields_and_nothing_is_saved(client, guaranteed):
    review = _review(guaranteed)
    client.force_login(_applicant_of(review))
    url = reverse("portal:annual_review_declare", args=[review.pk])
    bad_id = NEW_MEMBER_ID[:-1] + ("0" if NEW_MEMBER_ID[-1] != "0" else "1")
    first = registered_members(review)[0]["member_id"]
    response = client.post(url, _post_data(
        review, incomes={0: "-100"}, commitment_signed=None, new_member_name="林小新",
        new_member_id_number=bad_id, new_member_relation="son", new_member_income="0",
        new_member_joined_on="2099-01-01", address="香洲区保留地址9号",
    ))  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "年收入不能为负数。" in page and f'id="id_member_{first}_income-error"' in page
    assert "身份证号码校验位不正确，请核对。" in page and "日期不能晚于今天。" in page
    assert "请阅读并勾选承诺后再提交。" in page
    assert 'value="-100"' in page and f'value="{bad_id}"' in page and "香洲区保留地址9号" in page
    assert not AnnualReviewDeclaration.objects.exists()


def test_evidence_is_archived_by_content_and_a_disguised_file_is_refused(client, guaranteed):
    from housing.archive.models import Document

    review = _review(guaranteed)
    client.force_login(_applicant_of(review))
    url = reverse("portal:annual_review_declare", args=[review.pk])
    fake = SimpleUploadedFile("收入证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**_post_data(review), "evidence": fake})
    assert response.status_code == 200 and not AnnualReviewDeclaration.objects.exists()
    assert 'id="id_evidence-error"' in response.content.decode()
    pdf = SimpleUploadedFile(
        "收入证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    assert client.post(url, {**_post_data(review), "evidence": pdf}).status_code == 302
    declaration = AnnualReviewDeclaration.objects.get(review=review)
    assert len(declaration.evidence_document_ids) == 1
    assert Document.objects.filter(
        pk=declaration.evidence_document_ids[0], region_code=review.region_code
    ).exists()


def test_back_office_compares_the_declaration_with_the_file_and_recomputes_per_capita_income(
    client, guaranteed, city_admin, district_reviewer, other_district_reviewer
):
    review = _review(guaranteed)
    size = len(registered_members(review))
    client.force_login(city_admin)
    window = reverse("allocation:annual_review_declare_window", args=[review.pk])
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "家庭尚未申报。" in detail and window in detail
    # incomes 10000.00 + 10000.01 + … and a new member with 0: per capita recomputed in Decimal, half-up
    incomes = {i: f"{10000 + i / 100:.2f}" for i in range(size)}
    response = client.post(window, _post_data(review, incomes=incomes, new_member_name="林小新",
                                              new_member_id_number=NEW_MEMBER_ID, new_member_relation="son",
                                              new_member_income="0"))  # fmt: skip
    assert response.status_code == 302
    declaration = AnnualReviewDeclaration.objects.get(review=review)
    assert declaration.channel == DeclarationChannel.WINDOW and declaration.submitted_by == city_admin
    total = sum(Decimal(v) for v in incomes.values())
    expected = (total / (size + 1)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    detail = client.get(review.get_absolute_url()).content.decode()
    assert f'<td data-testid="declared">{expected}' in detail
    assert f'<td data-testid="declared">{size + 1} <span' in detail  # household size differs: highlighted
    assert "4404**********" in detail and NEW_MEMBER_ID not in detail
    # 区审核 sees the panel but may not declare at the window; another district sees nothing
    client.force_login(district_reviewer)
    assert window not in client.get(review.get_absolute_url()).content.decode()
    assert client.get(window).status_code == 403
    client.force_login(other_district_reviewer)
    assert client.get(review.get_absolute_url()).status_code == 404
