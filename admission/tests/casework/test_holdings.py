"""住房 (A.3.9) and 资产 (A.3.11) entry on a draft or returned application, from the application page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from admission.applications import application_transition
from admission.casework.services import application_asset_add, application_housing_add
from admission.models import ApplicationAsset, ApplicationHousing, FamilyMember

from ..factories import id_number
from .conftest import COMMUNITY_A1, COMMUNITY_A2, S

GOOD_HOUSING = {
    "address_road": "康宁路",
    "address_number": "12",
    "address_room": "301",
    "tenure": "租赁",
    "owner_name": "李房东",
    "floor_area": "35.50",
    "rent": "1200.00",
    "value": "0",
    "ownership_share": "100",
}


@pytest.fixture
def draft(make_application):
    return make_application(COMMUNITY_A1, S.DRAFT, name="陈翠香")


def url(name, application, *args):
    return reverse(f"admission:casework_{name}", args=[application.pk, *args])


def test_bad_housing_input_saves_nothing_and_shows_chinese_errors_beside_the_fields(
    client, draft, street_caseworker
):
    client.force_login(street_caseworker)
    response = client.post(
        url("housing_add", draft),
        {**GOOD_HOUSING, "floor_area": "很大", "rent": "-5", "owner_id_number": "123", "built_year": "1700"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_floor_area-error"' in page and "输入一个数字" in page
    assert 'aria-invalid="true"' in page
    assert not ApplicationHousing.objects.exists()
    # Field types right, business rules wrong: the service refuses, each message beside its field.
    response = client.post(
        url("housing_add", draft),
        {**GOOD_HOUSING, "floor_area": "0", "rent": "-5", "owner_id_number": "123", "built_year": "1700"},
    )
    page = response.content.decode()
    assert 'id="id_rent-error"' in page and "确保该值大于或等于" in page
    assert ApplicationHousing.objects.count() == 0
    response = client.post(
        url("housing_add", draft),
        {
            **GOOD_HOUSING,
            "floor_area": "0",
            "owner_id_number": "123",
            "built_year": "1700",
            "address_road": "",
        },
    )
    page = response.content.decode()
    for message in ("建筑面积须大于0", "建成年份应在1900年至今年之间", "请填写房屋地址"):
        assert message in page
    assert 'id="id_owner_id_number-error"' in page
    assert not ApplicationHousing.objects.exists()


def test_housing_rows_are_added_edited_removed_and_totalled_on_the_application_page(
    client, draft, street_caseworker
):
    client.force_login(street_caseworker)
    assert client.post(url("housing_add", draft), GOOD_HOUSING).status_code == 302
    assert (
        client.post(url("housing_add", draft), {**GOOD_HOUSING, "address_road": "梅华路", "floor_area": "20"})
    ).status_code == 302
    first, second = ApplicationHousing.objects.order_by("pk")
    assert first.floor_area == Decimal("35.50") and first.registration_year == draft.family.registration_year
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "住房与资产" in page and "康宁路12号301室" in page
    assert 'data-testid="housing-area-total">55.50<' in page
    response = client.post(url("housing_edit", draft, second.pk), {**GOOD_HOUSING, "floor_area": "24.5"})
    assert response.status_code == 302
    assert ApplicationHousing.objects.get(pk=second.pk).floor_area == Decimal("24.50")
    assert client.post(url("housing_remove", draft, first.pk)).status_code == 302
    assert list(ApplicationHousing.objects.values_list("pk", flat=True)) == [second.pk]
    # Removing keeps the row's history (who removed what).
    deleted = ApplicationHousing.history.get(id=first.pk, history_type="-")
    assert deleted.history_user == street_caseworker and deleted.address_road == "康宁路"


def test_owner_who_is_a_member_must_be_an_active_member_of_the_family(draft, street_caseworker):
    data = {
        "address_road": "康宁路",
        "floor_area": Decimal("40"),
        "owner_is_member": True,
        "owner_id_number": id_number(),
    }
    with pytest.raises(ValidationError) as caught:
        application_housing_add(application=draft, data=data, actor=street_caseworker)
    assert "不是本户在册成员" in str(caught.value.message_dict["owner_id_number"])
    member = FamilyMember.objects.filter(family=draft.family).exclude(relation="self").first()
    housing = application_housing_add(
        application=draft, data={**data, "owner_id_number": member.id_number}, actor=street_caseworker
    )
    assert housing.owner_id_masked == member.id_number_masked  # only the masked number is stored


def test_bad_asset_input_saves_nothing(client, draft, street_caseworker):
    client.force_login(street_caseworker)
    response = client.post(
        url("asset_add", draft),
        {"owner_name": "陌生人", "category": "vehicle", "quantity": "0", "total_value": "abc"},
    )
    page = response.content.decode()
    assert "选择一个有效的选项" in page and "输入一个数字" in page
    assert not ApplicationAsset.objects.exists()
    response = client.post(
        url("asset_add", draft),
        {"owner_name": "陈翠香", "category": "vehicle", "quantity": "0", "total_value": "5"},
    )
    assert "数量至少为1" in response.content.decode() or "确保该值大于或等于1" in response.content.decode()
    assert not ApplicationAsset.objects.exists()


def test_assets_are_entered_for_a_member_and_totalled(client, draft, street_caseworker):
    client.force_login(street_caseworker)
    for value in ("80000.00", "25000.50"):
        response = client.post(
            url("asset_add", draft),
            {"owner_name": "陈翠香", "category": "deposit", "quantity": "1", "total_value": value},
        )
        assert response.status_code == 302
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="asset-value-total">105000.50<' in page
    asset = ApplicationAsset.objects.first()
    client.post(
        url("asset_edit", draft, asset.pk),
        {"owner_name": "陈翠香", "category": "securities", "quantity": "2", "total_value": "1000"},
    )
    assert ApplicationAsset.objects.get(pk=asset.pk).category == "securities"
    client.post(url("asset_remove", draft, asset.pk))
    assert ApplicationAsset.objects.count() == 1


def test_rows_change_only_on_a_draft_or_returned_application(
    client, draft, make_application, street_caseworker, superuser
):
    under_review = make_application(COMMUNITY_A1, S.STREET_REVIEW, name="审核中")
    client.force_login(street_caseworker)
    assert client.get(url("housing_add", under_review)).status_code == 403
    page = client.get(under_review.get_absolute_url()).content.decode()
    assert url("housing_add", under_review) not in page and "只有草稿或退回补件的申请可以修改" in page
    with pytest.raises(ValidationError, match="只有草稿或退回补件"):
        application_asset_add(
            application=under_review,
            data={"owner_name": "审核中", "category": "deposit", "quantity": 1, "total_value": Decimal("1")},
            actor=superuser,
        )
    returned = application_transition(
        application=under_review,
        actor=street_caseworker,
        name="request_supplement",
        opinion="请补交房产证明。",
        supplement_items="房产证明",
    )
    assert returned.state == S.RETURNED
    assert client.post(url("housing_add", returned), GOOD_HOUSING).status_code == 302


def test_another_streets_caseworker_cannot_touch_the_rows(
    client, draft, other_street_caseworker, district_reviewer, make_application
):
    client.force_login(other_street_caseworker)
    assert client.get(url("housing_add", draft)).status_code == 404
    assert client.post(url("asset_add", draft), {"owner_name": "陈翠香"}).status_code == 404
    client.force_login(district_reviewer)  # sees the case, may not change it
    assert client.get(url("housing_add", draft)).status_code == 403
    with pytest.raises(PermissionDenied):
        application_housing_add(
            application=draft,
            data={"address_road": "康宁路", "floor_area": Decimal("9")},
            actor=other_street_caseworker,
        )
    other = make_application(COMMUNITY_A2, S.DRAFT, name="黄梅华")
    client.force_login(other_street_caseworker)
    assert client.get(url("housing_add", other)).status_code == 200
