"""Back-office editing of land, projects, buildings and a project's records (issue 5, part 1)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import DISTRICT_A, DISTRICT_B, STREET_A1
from projects.models import (
    Building,
    ConstructionContract,
    LandReserve,
    ParticipatingCompany,
    ParticipatingPerson,
    ProgressLog,
    Project,
    ProjectParticipation,
    RelocationContract,
)

from .factories import make_building, make_project

pytestmark = pytest.mark.django_db


def _error_beside(content: str, field: str) -> bool:
    """The error sits under its own field (backoffice/_form.html pattern: id ``id_<field>-error``)."""
    return f'id="id_{field}-error"' in content


def _detail(client, project) -> str:
    return client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()


# --- projects ---------------------------------------------------------------------------------------


def test_project_officer_creates_a_project_in_sections(client, project_officer):
    client.force_login(project_officer)
    page = client.get(reverse("projects:project_create")).content.decode()
    for section in ("基本信息", "建设规模", "日期", "投资", "征收安置"):
        assert section in page
    assert f'value="{STREET_A1}"' in page and f'value="{DISTRICT_B}"' not in page  # only own scope

    response = client.post(
        reverse("projects:project_create"),
        {
            "number": "XM-NEW-1",
            "name": "翠香安居苑",
            "region_code": STREET_A1,
            "project_type": "public_rental",
            "construction_mode": "new_build",
            "planned_start_date": "2026-03-01",
            "planned_completion_date": "2028-06-30",
            "planned_units": "480",
            "total_investment": "120000000.00",
        },
    )
    project = Project.objects.get(number="XM-NEW-1")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.region_code == STREET_A1 and project.total_investment == Decimal("120000000.00")
    assert project.history.first().history_user == project_officer
    assert "翠香安居苑" in _detail(client, project)


def test_bad_project_input_is_shown_beside_fields_and_saves_nothing(client, project_officer, other_project):
    client.force_login(project_officer)
    before = Project.objects.count()
    response = client.post(
        reverse("projects:project_create"),
        {
            "number": other_project.number,  # taken
            "name": "保留的名称",
            "region_code": DISTRICT_B,  # another district
            "project_type": "public_rental",
            "construction_mode": "new_build",
            "planned_start_date": "2026-03-01",
            "planned_completion_date": "2025-12-31",  # before the start
            "land_area": "-5",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200 and Project.objects.count() == before
    assert _error_beside(content, "region_code")  # not a choice of this user
    assert 'value="保留的名称"' in content and 'value="2025-12-31"' in content  # values kept

    # The region is fine now; the service's rules speak beside their fields.
    response = client.post(
        reverse("projects:project_create"),
        {
            "number": "XM-BAD-2",
            "name": "保留的名称",
            "region_code": DISTRICT_A,
            "project_type": "public_rental",
            "construction_mode": "new_build",
            "planned_start_date": "2026-03-01",
            "planned_completion_date": "2025-12-31",
            "land_area": "-5",
            "planned_floor_area": "1000",
            "planned_residential_area": "2000",
        },
    )
    content = response.content.decode()
    assert Project.objects.count() == before
    assert _error_beside(content, "planned_completion_date") and "计划竣工时间不能早于计划开工时间" in content
    assert _error_beside(content, "land_area") and "占地面积不能为负数" in content
    assert _error_beside(content, "planned_residential_area")
    assert 'value="-5"' in content


def test_project_edit_checks_buildings_count_and_keeps_region_with_buildings(
    client, project_officer, project, building
):
    client.force_login(project_officer)
    url = reverse("projects:project_edit", args=[project.pk])
    page = client.get(url).content.decode()
    assert f'value="{project.number}"' in page
    data = {
        "number": project.number,
        "name": "改名后的项目",
        "region_code": STREET_A1,
        "project_type": project.project_type,
        "construction_mode": project.construction_mode,
        "building_count": "0",
    }
    content = client.post(url, data).content.decode()
    assert _error_beside(content, "building_count") and "已登记的单体工程数（1 个）" in content
    assert _error_beside(content, "region_code")
    project.refresh_from_db()
    assert project.name != "改名后的项目"

    data.update(region_code=DISTRICT_A, building_count="2")
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.name == "改名后的项目" and project.building_count == 2
    assert project.planned_units is None  # the form is the whole record: a cleared field is cleared


def test_project_forms_are_404_out_of_scope_and_403_without_permission(
    client, project_officer, district_reviewer, other_project, project
):
    client.force_login(project_officer)
    assert client.get(reverse("projects:project_edit", args=[other_project.pk])).status_code == 404
    assert client.post(reverse("projects:project_edit", args=[other_project.pk]), {}).status_code == 404
    client.force_login(district_reviewer)
    assert client.get(reverse("projects:project_create")).status_code == 403
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 403
    assert "修改项目" not in _detail(client, project)  # read-only users get no edit buttons


# --- buildings --------------------------------------------------------------------------------------


def test_building_is_created_from_the_project_and_shows_on_its_tab(client, project_officer, project):
    client.force_login(project_officer)
    assert "新增单体工程" in _detail(client, project)
    url = reverse("projects:building_create", args=[project.pk])
    response = client.post(
        url,
        {"number": "B-NEW-1", "name": "1号楼", "total_floors": "18", "floors_above": "17", "floors_below": "1",
         "construction_status": "planned"},
    )  # fmt: skip
    building = Building.objects.get(number="B-NEW-1")
    assert response.status_code == 302 and response["Location"].endswith("#pane-buildings")
    assert building.project == project and building.region_code == project.region_code
    assert "B-NEW-1" in _detail(client, project)


def test_bad_building_input_saves_nothing(client, project_officer, project, building):
    client.force_login(project_officer)
    before = Building.objects.count()
    content = client.post(
        reverse("projects:building_create", args=[project.pk]),
        {"number": "B-BAD", "name": "坏楼", "total_floors": "18", "floors_above": "10", "floors_below": "1",
         "floor_area": "-1", "construction_status": "planned"},
    ).content.decode()  # fmt: skip
    assert Building.objects.count() == before
    assert _error_beside(content, "total_floors") and "地上层数与地下层数之和" in content
    assert _error_beside(content, "floor_area") and 'value="B-BAD"' in content

    # The building of 12 units cannot claim fewer 住宅套数 than its 楼盘表 holds.
    edit = reverse("projects:building_edit", args=[building.pk])
    content = client.post(
        edit,
        {"number": building.number, "name": building.name, "total_floors": "3", "residential_units": "5",
         "construction_status": "planned"},
    ).content.decode()  # fmt: skip
    assert _error_beside(content, "residential_units") and "12 套" in content


def test_building_count_of_the_project_limits_new_buildings(client, project_officer, building):
    project = building.project
    project.building_count = 1
    project.save()
    client.force_login(project_officer)
    content = client.post(
        reverse("projects:building_create", args=[project.pk]),
        {"number": "B-TOO-MANY", "name": "2号楼", "total_floors": "6", "construction_status": "planned"},
    ).content.decode()
    assert "请先修改项目的单体个数" in content and not Building.objects.filter(number="B-TOO-MANY").exists()


def test_building_forms_are_404_out_of_scope_and_403_without_permission(
    client, other_project_officer, district_reviewer, project, building
):
    client.force_login(other_project_officer)
    assert client.get(reverse("projects:building_create", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:building_edit", args=[building.pk])).status_code == 404
    client.force_login(district_reviewer)
    assert client.get(reverse("projects:building_create", args=[project.pk])).status_code == 403
    assert client.post(reverse("projects:building_edit", args=[building.pk]), {}).status_code == 403


# --- land reserve -----------------------------------------------------------------------------------


def test_land_reserve_list_create_edit_and_scope(
    client, project_officer, other_project_officer, django_assert_max_num_queries
):
    for n in range(25):
        LandReserve.objects.create(number=f"DK-A-{n:03d}", name=f"地块{n}", region_code=DISTRICT_A)
    other = LandReserve.objects.create(number="DK-B-001", name="斗门地块", region_code=DISTRICT_B)
    client.force_login(project_officer)
    client.get(reverse("projects:land_list"))  # warm the content-type cache
    with django_assert_max_num_queries(10):
        content = client.get(reverse("projects:land_list")).content.decode()
    assert "DK-A-024" in content and "DK-B-001" not in content and "登记储备地块" in content
    assert client.get(reverse("projects:land_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("projects:land_edit", args=[other.pk])).status_code == 404

    bad = client.post(
        reverse("projects:land_create"),
        {"number": "DK-NEW", "name": "新地块", "region_code": DISTRICT_A, "land_area": "100",
         "construction_land_area": "150"},
    ).content.decode()  # fmt: skip
    assert (
        _error_beside(bad, "construction_land_area")
        and not LandReserve.objects.filter(number="DK-NEW").exists()
    )
    response = client.post(
        reverse("projects:land_create"),
        {"number": "DK-NEW", "name": "新地块", "region_code": DISTRICT_A, "land_area": "100",
         "reserved_on": "2026-01-15"},
    )  # fmt: skip
    land = LandReserve.objects.get(number="DK-NEW")
    assert response["Location"] == land.get_absolute_url()
    response = client.post(
        reverse("projects:land_edit", args=[land.pk]),
        {"number": "DK-NEW", "name": "改名地块", "region_code": DISTRICT_A, "land_area": "120"},
    )
    land.refresh_from_db()
    assert response.status_code == 302 and land.name == "改名地块" and land.land_area == Decimal("120")
    client.force_login(other_project_officer)
    assert client.post(reverse("projects:land_edit", args=[land.pk]), {}).status_code == 404


def test_reviewer_reads_land_but_cannot_register_it(client, district_reviewer):
    client.force_login(district_reviewer)
    content = client.get(reverse("projects:land_list")).content.decode()
    assert "登记储备地块" not in content
    assert client.get(reverse("projects:land_create")).status_code == 403


# --- a project's records ----------------------------------------------------------------------------

RECORD_KINDS = ("progress", "construction-contracts", "relocation-contracts", "companies", "people")


def _add_company(client, project, **extra) -> ParticipatingCompany:
    data = {
        "role": "contractor",
        "number": f"DW-{project.pk}-{extra.get('role', 'c')}",
        "name": "珠海建工集团",
    }
    data.update(extra)
    response = client.post(reverse("projects:record_add", args=[project.pk, "companies"]), data)
    assert response.status_code == 302, response.content.decode()
    return ParticipatingCompany.objects.get(number=data["number"])


def test_companies_and_people_are_added_and_show_on_the_tab(client, project_officer, project):
    client.force_login(project_officer)
    contractor = _add_company(client, project)
    # The same company takes a second part by choosing it, not by registering it twice.
    response = client.post(
        reverse("projects:record_add", args=[project.pk, "companies"]),
        {"role": "supervisor", "existing": contractor.pk},
    )
    assert response.status_code == 302
    assert ProjectParticipation.objects.filter(project=project, company=contractor).count() == 2
    again = client.post(
        reverse("projects:record_add", args=[project.pk, "companies"]),
        {"role": "supervisor", "existing": contractor.pk},
    ).content.decode()
    assert _error_beside(again, "role") and "已以此分类参与本项目" in again
    missing = client.post(
        reverse("projects:record_add", args=[project.pk, "companies"]), {"role": "designer"}
    )
    assert _error_beside(missing.content.decode(), "number")

    response = client.post(
        reverse("projects:record_add", args=[project.pk, "people"]),
        {
            "number": "RY-1",
            "name": "李工",
            "company": contractor.pk,
            "position": "项目经理",
            "is_full_time": "on",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#pane-parties")
    person = ParticipatingPerson.objects.get(number="RY-1")
    assert list(person.projects.all()) == [project] and person.region_code == contractor.region_code
    content = _detail(client, project)
    assert "珠海建工集团" in content and "施工单位" in content and "监理单位" in content and "李工" in content

    edit = reverse("projects:record_edit", args=[project.pk, "people", person.pk])
    client.post(edit, {"number": "RY-1", "name": "李总工", "company": contractor.pk})
    person.refresh_from_db()
    assert person.name == "李总工"


def test_progress_log_and_contracts_are_filed_and_show_on_their_tabs(
    client, project_officer, project, building
):
    client.force_login(project_officer)
    party_a = _add_company(client, project, role="developer", number="DW-A")
    party_b = _add_company(client, project, role="contractor", number="DW-B")

    response = client.post(
        reverse("projects:record_add", args=[project.pk, "progress"]),
        {"recorded_on": "2026-04-30", "building": building.pk, "building_status": "under_construction",
         "completed_investment": "3500000.00"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#pane-progress")
    log = ProgressLog.objects.get(project=project)
    assert log.region_code == project.region_code and log.completed_investment == Decimal("3500000.00")

    response = client.post(
        reverse("projects:record_add", args=[project.pk, "construction-contracts"]),
        {"record_number": "HT-1", "contract_number": "SG-2026-01", "name": "主体施工合同", "party_a": party_a.pk,
         "party_b": party_b.pk, "amount": "80000000.00", "signed_on": "2026-02-01", "is_valid": "on"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#pane-contracts")
    response = client.post(
        reverse("projects:record_add", args=[project.pk, "relocation-contracts"]),
        {"record_number": "CQ-1", "contract_number": "AZ-2026-01", "relocatee": "王小明",
         "compensation_mode": "cash", "cash_compensation": "450000.00", "signed_on": "2026-01-10"},
    )  # fmt: skip
    assert response.status_code == 302

    content = _detail(client, project)
    assert "2026年4月30日" in content or "2026-04-30" in content
    assert "SG-2026-01" in content and "主体施工合同" in content
    assert "AZ-2026-01" in content and "王小明" not in content  # the relocatee's name stays masked

    edit = reverse("projects:record_edit", args=[project.pk, "progress", log.pk])
    client.post(edit, {"recorded_on": "2026-05-31", "completed_investment": "4000000.00"})
    log.refresh_from_db()
    assert log.recorded_on == datetime.date(2026, 5, 31) and log.building is None


def test_bad_record_input_is_shown_beside_fields_and_saves_nothing(
    client, project_officer, project, other_project
):
    client.force_login(project_officer)
    outsider = ParticipatingCompany.objects.create(number="DW-OUT", name="外单位", region_code=DISTRICT_A)
    progress = client.post(
        reverse("projects:record_add", args=[project.pk, "progress"]),
        {"disbursed_amount": "-10", "relocated_households": "3"},
    ).content.decode()
    assert _error_beside(progress, "recorded_on") and 'value="3"' in progress
    contract = client.post(
        reverse("projects:record_add", args=[project.pk, "construction-contracts"]),
        {"record_number": "HT-X", "contract_number": "X", "name": "X", "party_a": outsider.pk,
         "agreed_start_date": "2026-05-01", "agreed_completion_date": "2026-04-01"},
    ).content.decode()  # fmt: skip
    assert _error_beside(contract, "party_a")  # not a company of this project: not even a choice
    contract = client.post(
        reverse("projects:record_add", args=[project.pk, "construction-contracts"]),
        {"record_number": "HT-X", "contract_number": "X", "name": "X",
         "agreed_start_date": "2026-05-01", "agreed_completion_date": "2026-04-01"},
    ).content.decode()  # fmt: skip
    assert _error_beside(contract, "agreed_completion_date") and "不能早于合同约定开工时间" in contract
    relocation = client.post(
        reverse("projects:record_add", args=[project.pk, "relocation-contracts"]),
        {"record_number": "CQ-X", "contract_number": "X", "relocatee": "某人", "cash_compensation": "-1"},
    ).content.decode()
    assert _error_beside(relocation, "cash_compensation") and "货币补偿额度不能为负数" in relocation
    assert not ProgressLog.objects.exists()
    assert not ConstructionContract.objects.exists() and not RelocationContract.objects.exists()


def test_every_record_form_of_another_districts_project_is_404(
    client, project_officer, other_project_officer
):
    other_project = make_project(region_code=DISTRICT_B)
    company = ParticipatingCompany.objects.create(number="DW-B1", name="斗门建设", region_code=DISTRICT_B)
    ProjectParticipation.objects.create(project=other_project, company=company, role="developer")
    person = ParticipatingPerson.objects.create(
        number="RY-B1", name="赵工", company=company, region_code=DISTRICT_B
    )
    person.projects.add(other_project)
    items = {
        "progress": ProgressLog.objects.create(
            project=other_project, region_code=DISTRICT_B, recorded_on=datetime.date(2026, 1, 1)
        ),
        "construction-contracts": ConstructionContract.objects.create(
            project=other_project, region_code=DISTRICT_B, record_number="HT-B", contract_number="B", name="B"
        ),
        "relocation-contracts": RelocationContract.objects.create(
            project=other_project,
            region_code=DISTRICT_B,
            record_number="CQ-B",
            contract_number="B",
            relocatee="钱某",
        ),
        "companies": company,
        "people": person,
    }
    client.force_login(project_officer)
    for kind in RECORD_KINDS:
        add = reverse("projects:record_add", args=[other_project.pk, kind])
        edit = reverse("projects:record_edit", args=[other_project.pk, kind, items[kind].pk])
        assert client.get(add).status_code == 404, kind
        assert client.post(add, {}).status_code == 404, kind
        assert client.get(edit).status_code == 404, kind
        assert client.post(edit, {}).status_code == 404, kind
    # Nor can another project's record be reached through one's own project.
    own = make_project(region_code=DISTRICT_A)
    edit = reverse("projects:record_edit", args=[own.pk, "progress", items["progress"].pk])
    assert client.get(edit).status_code == 404
    client.force_login(other_project_officer)
    assert client.get(reverse("projects:record_edit", args=[other_project.pk, "progress", items["progress"].pk])).status_code == 200  # fmt: skip
    assert client.get(reverse("projects:record_add", args=[other_project.pk, "unknown"])).status_code == 404


def test_record_forms_are_403_without_permission(client, district_reviewer, project):
    client.force_login(district_reviewer)
    for kind in RECORD_KINDS:
        assert client.get(reverse("projects:record_add", args=[project.pk, kind])).status_code == 403, kind
        assert client.post(reverse("projects:record_add", args=[project.pk, kind]), {}).status_code == 403, (
            kind
        )
    content = _detail(client, project)
    assert "登记进度日志" not in content and "添加参与单位" not in content


def test_project_detail_query_count_stays_pinned_with_many_records(
    client, project_officer, project, django_assert_max_num_queries
):
    for n in range(15):
        make_building(project=project, floors=1, per_floor=2)
        company = ParticipatingCompany.objects.create(
            number=f"DW-{n}", name=f"单位{n}", region_code=DISTRICT_A
        )
        ProjectParticipation.objects.create(project=project, company=company, role="contractor")
        person = ParticipatingPerson.objects.create(
            number=f"RY-{n}", name=f"人员{n}", company=company, region_code=DISTRICT_A
        )
        person.projects.add(project)
        ProgressLog.objects.create(
            project=project, region_code=DISTRICT_A, recorded_on=datetime.date(2026, 1, n + 1)
        )
        ConstructionContract.objects.create(
            project=project, region_code=DISTRICT_A, record_number=f"HT-{n}", contract_number=f"SG-{n}",
            name="合同", party_a=company, party_b=company,
        )  # fmt: skip
        RelocationContract.objects.create(
            project=project,
            region_code=DISTRICT_A,
            record_number=f"CQ-{n}",
            contract_number=f"AZ-{n}",
            relocatee="孙某",
        )
    client.force_login(project_officer)
    _detail(client, project)  # warm the content-type cache
    # 14 today whatever the number of rows: one query per tab's list, none per row.
    with django_assert_max_num_queries(15):
        content = _detail(client, project)
    assert "AZ-14" in content and "人员14" in content and "单位14" in content


def test_services_check_scope_permission_and_contract_parties(
    project_officer, district_reviewer, project, other_project
):
    from django.core.exceptions import PermissionDenied, ValidationError

    from projects.services.editing import construction_contract_create, project_update

    outsider = ParticipatingCompany.objects.create(number="DW-OUT", name="外单位", region_code=DISTRICT_A)
    with pytest.raises(ValidationError) as caught:
        construction_contract_create(
            project=project, actor=project_officer, record_number="HT-S", contract_number="S", name="S",
            party_a=outsider,
        )  # fmt: skip
    assert "合同当事单位须是该项目的参与单位。" in caught.value.message_dict["party_a"]
    with pytest.raises(PermissionDenied):
        project_update(project=other_project, actor=project_officer, name="越权")
    with pytest.raises(PermissionDenied):
        project_update(project=project, actor=district_reviewer, name="只读")
    assert not ConstructionContract.objects.exists()
