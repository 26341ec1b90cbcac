"""Demo casework (演示数据) on whatever demo applications exist: housing and asset rows, a few home visits,
one of them done with its finding and a photo. Idempotent: a second run adds nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from housing.accounts.scope import code_in_scope

from ..models import LEVEL_PERMISSION, Application, ApplicationAsset, ApplicationHousing, AssetCategory
from .models import HomeInspection
from .selectors import inspection_inspector_candidates
from .services import LEVEL_STATES, inspection_assign, inspection_photo_add, inspection_record

# Demo staff of housing.accounts.demo who may send someone on a visit, nearest the case first.
ASSIGNERS = ("cuixiang", "meihua", "xiangzhou", "doumen", "city")
HOLDINGS_LIMIT = 300
VISITS = 3


def _photo() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (235, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 280, 200), outline=(90, 90, 90), width=4)  # a room, seen from the door
    draw.rectangle((60, 140, 150, 195), fill=(150, 110, 70))  # a bed
    draw.rectangle((200, 80, 260, 130), fill=(170, 200, 230))  # a window
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("入户核查演示.jpg", buffer.getvalue(), content_type="image/jpeg")


def _seed_holdings() -> None:
    """A rented home on each demo application without one, and a deposit on every other one."""
    # The first applications only (a city-scale demo need not fill them all); fixed, so a rerun adds nothing.
    first = list(Application.objects.order_by("pk").values_list("pk", flat=True)[:HOLDINGS_LIMIT])
    applications = (
        Application.objects.filter(pk__in=first, housings__isnull=True)
        .select_related("family")
        .order_by("pk")
    )
    for n, application in enumerate(applications):
        family = application.family
        housing = ApplicationHousing(
            application=application,
            registration_year=family.registration_year,
            address_county=family.hukou_county,
            address_street=family.hukou_street,
            address_road=family.hukou_road or "演示路",
            address_number=family.hukou_number or str(10 + n % 40),
            address_room=f"{1 + n % 6}0{1 + n % 4}",
            occupancy="自住",
            tenure="租赁",
            owner_name="演示房东",
            nature="私有住房",
            layout="一房一厅",
            floor_area=Decimal(18 + (n * 7) % 40) + Decimal("0.50"),
            rent=Decimal(800 + (n * 130) % 1500),
            ownership_share=Decimal("0"),
        )
        housing.full_clean()
        housing.save()
        if n % 2 == 0 and not application.assets.exists():
            asset = ApplicationAsset(
                application=application,
                registration_year=family.registration_year,
                owner_name=family.applicant_name,
                category=AssetCategory.DEPOSIT,
                quantity=1,
                total_value=Decimal(5000 + (n * 3700) % 60000),
            )
            asset.full_clean()
            asset.save()


def _seed_visits(users: dict) -> None:
    if HomeInspection.objects.exists():
        return  # seeded before (or real visits exist): add nothing
    done = 0
    for application in Application.objects.filter(state__in=LEVEL_STATES).order_by("pk"):
        if done >= VISITS:
            break
        level = application.level
        assigner = next(
            (
                users[name]
                for name in ASSIGNERS
                if name in users
                and users[name].has_perm(LEVEL_PERMISSION[level])
                and code_in_scope(users[name], application.region_code)
            ),
            None,
        )
        if assigner is None:
            continue
        candidates = [u for u in inspection_inspector_candidates(application=application) if u != assigner]
        # Prefer someone from outside the case's street: that is what the grant is for.
        candidates.sort(key=lambda u: code_in_scope(u, application.region_code))
        if not candidates:
            continue
        inspector = candidates[0]
        with transaction.atomic():
            inspection = inspection_assign(
                application=application,
                inspector=inspector,
                instructions="核实实际居住人数、住房面积及是否另有住房。（演示数据）",
                actor=assigner,
            )
            if done == 0:
                inspection_photo_add(inspection=inspection, actor=inspector, upload=_photo(), caption="居室")
                inspection_record(
                    inspection=inspection,
                    actor=inspector,
                    visited_on=timezone.localdate(),
                    persons_met="申请人本人",
                    living_situation="租住一房一厅，与申报地址一致，实际居住人数与申报一致。",
                    matches_declaration=True,
                    findings="经入户核查，家庭住房情况与申报一致。（演示数据）",
                )
        done += 1


def seed_demo_casework() -> list[tuple[str, str, str]]:
    """The demo seeder (``DEMO_SEEDERS``, after the applications'); prints no accounts."""
    from housing.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=ASSIGNERS)}
    _seed_holdings()
    _seed_visits(users)
    return []
