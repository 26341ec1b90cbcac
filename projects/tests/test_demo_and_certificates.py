from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing.archive.selectors import documents_for_owner
from projects.demo import seed_demo_projects
from projects.models import ApprovalCertificate, Building, Unit, UnitState

pytestmark = pytest.mark.django_db


def test_demo_seeder_fills_every_state_and_is_idempotent(regions):
    seed_demo_projects()
    count = Unit.objects.count()
    seed_demo_projects()

    assert Unit.objects.count() == count
    assert set(Unit.objects.values_list("state", flat=True).distinct()) == set(UnitState.values)
    tall = Building.objects.get(number="DEMO-440402-01-1")
    assert tall.total_floors == 30 and tall.units.count() == 240
    assert tall.units.filter(start_floor=30).count() == 8
    districts = {code[:6] for code in Unit.objects.values_list("region_code", flat=True)}
    assert districts == {"440402", "440403", "440404"}


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_certificate_scan_goes_to_the_archive_with_the_certificate_as_owner(client, project, project_officer):
    client.force_login(project_officer)
    response = client.post(
        reverse("projects:certificate_add", args=[project.pk]),
        {
            "kind": "construction",
            "number": "SG-2026-001",
            "name": "建筑工程施工许可证",
            "issued_on": "2026-03-01",
            "issuer": "珠海市住房和城乡建设局",
            "scan": SimpleUploadedFile("施工许可证.png", _png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    certificate = ApprovalCertificate.objects.get(number="SG-2026-001")
    scan = certificate.scans.get()
    assert scan.document.region_code == project.region_code
    assert list(documents_for_owner(user=project_officer, owner=certificate)) == [scan.document]
    content = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "SG-2026-001" in content and scan.number in content


def test_reviewer_cannot_register_certificates(client, project, district_reviewer):
    client.force_login(district_reviewer)
    assert client.get(reverse("projects:certificate_add", args=[project.pk])).status_code == 403
