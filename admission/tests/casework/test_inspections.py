"""核查指派: a reviewer sends a named inspector; the inspector sees that case only, records findings and photos."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from admission.casework.models import HomeInspection, InspectionState
from admission.casework.services import inspection_assign, inspection_record, inspection_revoke
from housing.archive.models import Document
from housing.workflow.calendar import WorkingCalendar
from housing.workflow.models import NodeInstance

from .conftest import COMMUNITY_A1, S, png_bytes

MY_TASKS = reverse("admission:casework_my_inspections")


@pytest.fixture
def case(make_application):
    return make_application(COMMUNITY_A1, S.STREET_REVIEW, name="陈翠香")


@pytest.fixture
def other_case(make_application):
    return make_application(COMMUNITY_A1, S.STREET_REVIEW, name="林翠湖")


@pytest.fixture
def assigned(case, street_caseworker, other_street_caseworker):
    """The 翠香 reviewer sends the 梅华 caseworker (outside 翠香) on the visit."""
    return inspection_assign(
        application=case,
        inspector=other_street_caseworker,
        instructions="核实实际居住人数。",
        actor=street_caseworker,
    )


def findings(**overrides):
    data = {
        "visited_on": timezone.localdate(),
        "persons_met": "申请人本人及其子",
        "living_situation": "租住单间约20平方米，三人同住。",
        "matches_declaration": False,
        "findings": "另有一辆小汽车未申报。",
    }
    return {**data, **overrides}


def test_the_inspector_sees_the_assigned_case_and_no_other(
    client, case, other_case, assigned, street_caseworker, other_street_caseworker
):
    approve = reverse("admission:application_transition", args=[case.pk, "street_approve"])
    client.force_login(street_caseworker)
    assert approve in client.get(case.get_absolute_url()).content.decode()  # the reviewer decides
    client.force_login(other_street_caseworker)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(other_case.get_absolute_url()).status_code == 404
    assert client.get(assigned.get_absolute_url()).status_code == 200
    tasks = client.get(MY_TASKS).content.decode()
    assert case.receipt_number in tasks and other_case.receipt_number not in tasks
    # Seeing the case is not deciding it: it is not in their work queue and has no buttons for them.
    queue = client.get(reverse("admission:application_queue")).content.decode()
    assert case.receipt_number not in queue
    assert approve not in client.get(case.get_absolute_url()).content.decode()


def test_revoking_the_assignment_removes_the_inspectors_access(
    client, case, assigned, street_caseworker, other_street_caseworker
):
    client.force_login(street_caseworker)
    response = client.post(
        reverse("admission:casework_inspection_revoke", args=[assigned.pk]), {"reason": "改派本街道人员。"}
    )
    assert response.status_code == 302
    assert HomeInspection.objects.get(pk=assigned.pk).state == InspectionState.REVOKED
    client.force_login(other_street_caseworker)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(assigned.get_absolute_url()).status_code == 404
    assert case.receipt_number not in client.get(MY_TASKS).content.decode()


def test_revoking_needs_a_reason_and_a_reviewer_of_that_level(assigned, street_caseworker, district_reviewer):
    with pytest.raises(ValidationError, match="撤销原因"):
        inspection_revoke(inspection=assigned, actor=street_caseworker, reason=" ")
    with pytest.raises(PermissionDenied):
        inspection_revoke(inspection=assigned, actor=district_reviewer, reason="不需要了")
    assert HomeInspection.objects.get(pk=assigned.pk).state == InspectionState.ASSIGNED


def test_findings_and_photo_appear_on_the_application_page_for_the_reviewer(
    client, case, assigned, street_caseworker, other_street_caseworker, photo
):
    client.force_login(other_street_caseworker)
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "录入核查结果" in page and "核实实际居住人数" in page
    upload = client.post(
        reverse("admission:casework_inspection_photo_add", args=[assigned.pk]),
        {"file": photo, "caption": "厨房"},
    )
    assert upload.status_code == 302
    response = client.post(
        reverse("admission:casework_inspection_record", args=[assigned.pk]),
        {**findings(visited_on=timezone.localdate().isoformat()), "matches_declaration": "no"},
    )
    assert response.status_code == 302
    inspection = HomeInspection.objects.get(pk=assigned.pk)
    assert inspection.state == InspectionState.COMPLETED and inspection.matches_declaration is False
    document = inspection.photos.get()
    assert document.category == "photo" and document.application_number == case.receipt_number

    client.force_login(street_caseworker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "入户核查" in page and "租住单间约20平方米" in page and "另有一辆小汽车未申报" in page
    assert "与申报不一致" in page and "不一致" in page
    photo_url = reverse("admission:casework_inspection_photo", args=[inspection.pk, document.pk])
    assert photo_url in page
    image = client.get(photo_url)
    assert image.status_code == 200 and b"".join(image.streaming_content) == png_bytes()


def test_the_visit_done_the_case_grant_ends_but_the_inspector_keeps_their_record(
    client, case, assigned, other_street_caseworker
):
    inspection_record(
        inspection=assigned, actor=other_street_caseworker, **findings(matches_declaration=True)
    )
    client.force_login(other_street_caseworker)
    assert client.get(case.get_absolute_url()).status_code == 404
    record = client.get(assigned.get_absolute_url())
    assert record.status_code == 200 and "租住单间约20平方米" in record.content.decode()


def test_bad_findings_show_chinese_errors_and_change_nothing(client, assigned, other_street_caseworker):
    client.force_login(other_street_caseworker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("admission:casework_inspection_record", args=[assigned.pk]),
        {"visited_on": tomorrow, "persons_met": "", "living_situation": "租住", "findings": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "这个字段是必填项" in page  # persons_met and the yes/no choice
    assert HomeInspection.objects.get(pk=assigned.pk).state == InspectionState.ASSIGNED
    response = client.post(
        reverse("admission:casework_inspection_record", args=[assigned.pk]),
        {**findings(visited_on=tomorrow), "matches_declaration": "yes"},
    )
    assert "核查日期不能晚于今天" in response.content.decode()
    assert HomeInspection.objects.get(pk=assigned.pk).state == InspectionState.ASSIGNED


def test_a_photo_is_checked_by_content(client, assigned, other_street_caseworker):
    client.force_login(other_street_caseworker)
    before = Document.objects.count()
    fake = SimpleUploadedFile("照片.png", b"MZ\x90\x00 this is a program, not a picture")
    response = client.post(
        reverse("admission:casework_inspection_photo_add", args=[assigned.pk]), {"file": fake}
    )
    assert response.status_code == 400
    pdf = SimpleUploadedFile(
        "照片.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    )
    response = client.post(
        reverse("admission:casework_inspection_photo_add", args=[assigned.pk]), {"file": pdf}
    )
    assert "核查照片只能是 JPEG 或 PNG 图片" in response.content.decode()
    assert Document.objects.count() == before


def test_only_the_inspector_records_findings(assigned, street_caseworker, client):
    with pytest.raises(PermissionDenied):
        inspection_record(inspection=assigned, actor=street_caseworker, **findings())
    client.force_login(street_caseworker)
    response = client.post(
        reverse("admission:casework_inspection_record", args=[assigned.pk]),
        {**findings(visited_on=timezone.localdate().isoformat()), "matches_declaration": "yes"},
    )
    assert response.status_code == 403


def test_only_a_reviewer_of_the_cases_level_assigns(
    case, make_application, street_caseworker, district_reviewer, other_street_caseworker, client
):
    with pytest.raises(PermissionDenied):
        inspection_assign(application=case, inspector=other_street_caseworker, actor=district_reviewer)
    client.force_login(district_reviewer)
    assert client.get(reverse("admission:casework_inspection_assign", args=[case.pk])).status_code == 403
    draft = make_application(COMMUNITY_A1, S.DRAFT, name="草稿户")
    with pytest.raises(ValidationError, match="不能指派入户核查"):
        inspection_assign(application=draft, inspector=other_street_caseworker, actor=street_caseworker)
    assert not HomeInspection.objects.exists()


def test_the_assign_form_offers_staff_of_the_district_and_refuses_a_duplicate(
    client, case, street_caseworker, other_street_caseworker, other_district_reviewer, finance_officer
):
    url = reverse("admission:casework_inspection_assign", args=[case.pk])
    client.force_login(street_caseworker)
    page = client.get(url).content.decode()
    assert "other_street_caseworker" in page  # another street of the same district
    assert "other_district_reviewer" not in page and "finance_officer" not in page
    response = client.post(url, {"inspector": other_street_caseworker.pk, "instructions": "核实住房"})
    assert response.status_code == 302
    again = client.post(url, {"inspector": other_street_caseworker.pk})
    assert "该核查人已有本案未完成的入户核查" in again.content.decode()
    assert HomeInspection.objects.filter(application=case).count() == 1
    # Not offered is not accepted either.
    client.post(url, {"inspector": finance_officer.pk})
    assert HomeInspection.objects.filter(application=case).count() == 1


def test_the_visit_has_a_due_date_in_working_days_from_the_workflow(assigned):
    node = NodeInstance.objects.get(process__object_id=str(assigned.pk), state="open")
    received = timezone.localtime(node.created_at).date()
    assert assigned.due_date == node.due_date == WorkingCalendar().add_working_days(received, 5)
    assert node.name == "入户核查"


def test_another_regions_reviewer_cannot_open_the_visit(
    assigned, other_district_reviewer, district_reviewer, client
):
    client.force_login(other_district_reviewer)
    assert client.get(assigned.get_absolute_url()).status_code == 404
    client.force_login(district_reviewer)  # 香洲区: the case's district
    assert client.get(assigned.get_absolute_url()).status_code == 200


def test_inspection_lists_stay_bounded_with_many_visits(
    client,
    make_application,
    superuser,
    street_caseworker,
    other_street_caseworker,
    django_assert_max_num_queries,
):
    for i in range(12):
        app = make_application(COMMUNITY_A1, S.STREET_REVIEW, name=f"核查户{i}")
        inspection_assign(application=app, inspector=other_street_caseworker, actor=street_caseworker)
    client.force_login(other_street_caseworker)
    with django_assert_max_num_queries(10):
        mine = client.get(MY_TASKS)
    assert mine.content.decode().count("SQ-440402-") == 12
    client.force_login(street_caseworker)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("admission:casework_inspection_list"))
    assert listing.content.decode().count("SQ-440402-") == 12
    completed = client.get(
        reverse("admission:casework_inspection_list"), {"state": InspectionState.COMPLETED}
    )
    assert "SQ-440402-" not in completed.content.decode()
    with django_assert_max_num_queries(40):  # the application page, every part's panel included
        client.get(HomeInspection.objects.first().application.get_absolute_url())
