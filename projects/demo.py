"""Demo projects: a few per district, buildings and units in every state (idempotent, bulk); each
project with coordinates in 珠海 and two drawn placeholder photos for the portal's 房源展示."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import (
    Building,
    BuildingStatus,
    ConstructionMode,
    GuaranteeMode,
    HandoverBatch,
    Project,
    ProjectPhoto,
    ProjectType,
    Unit,
    UnitSource,
    UnitState,
)

# (district code, district name, latitude, longitude)
DISTRICTS = (
    ("440402000000", "香洲", Decimal("22.270000"), Decimal("113.560000")),
    ("440403000000", "斗门", Decimal("22.210000"), Decimal("113.290000")),
    ("440404000000", "金湾", Decimal("22.140000"), Decimal("113.360000")),
)
# (suffix, name, type, mode, source, guarantee, (floors, units per floor) per building, start year)
PROJECT_SPECS = (
    ("01", "安居苑", ProjectType.PUBLIC_RENTAL, ConstructionMode.NEW_BUILD, UnitSource.NEW_BUILD,
     GuaranteeMode.PUBLIC_RENTAL, ((30, 8), (18, 6)), 2021),
    ("02", "人才公寓", ProjectType.TALENT, ConstructionMode.BUNDLED, UnitSource.BUNDLED,
     GuaranteeMode.TALENT, ((12, 4),), 2023),
    ("03", "共有产权家园", ProjectType.SHARED_OWNERSHIP, ConstructionMode.NEW_BUILD, UnitSource.NEW_BUILD,
     GuaranteeMode.SHARED_OWNERSHIP, ((11, 4),), 2025),
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _state_for(floor: int, position: int, floors: int, handed_over: bool) -> str:
    """A spread of every state: low floors occupied, middle allocated, a few under repair/cancelled."""
    if not handed_over:
        return UnitState.UNDELIVERED
    if floor == floors and position == 1:
        return UnitState.CANCELLED
    if floor == floors - 1 and position == 2:
        return UnitState.REPAIRING
    if floor <= floors * 0.45:
        return UnitState.OCCUPIED if (floor + position) % 5 else UnitState.DELIVERED
    if floor <= floors * 0.7:
        return UnitState.ALLOCATED if (floor + position) % 3 else UnitState.DELIVERED
    return UnitState.DELIVERED


@transaction.atomic
def seed_demo_projects() -> list[tuple[str, str, str]]:
    if not Project.objects.filter(number__startswith="DEMO-", is_demo=True).exists():
        _seed_projects()
    seed_demo_project_photos()
    return []


def _seed_projects() -> None:
    for d_index, (district, district_name, lat, lng) in enumerate(DISTRICTS):
        for p_index, (suffix, name, ptype, mode, source, guarantee, shapes, start_year) in enumerate(
            PROJECT_SPECS
        ):
            # The third project of each district is still under construction: nothing handed over yet.
            completed = start_year <= 2023
            number = f"DEMO-{district[:6]}-{suffix}"
            units_planned = sum(f * u for f, u in shapes)
            area = Decimal(units_planned * 65)
            project = Project.objects.create(
                number=number,
                name=f"{district_name}{name}",
                proposed_name=f"{district_name}{name}项目",
                region_code=district,
                project_type=ptype,
                construction_mode=mode,
                developer=f"珠海市{district_name}城市建设有限公司",
                address=f"珠海市{district_name}区演示路{p_index + 1}号",
                latitude=lat + Decimal("0.012") * p_index,
                longitude=lng + Decimal("0.015") * p_index,
                building_count=len(shapes),
                year=start_year,
                planned_start_date=datetime.date(start_year, 3, 1),
                planned_completion_date=datetime.date(start_year + 2, 6, 30),
                actual_start_date=datetime.date(start_year, 4, 15) if start_year <= 2025 else None,
                actual_completion_date=datetime.date(start_year + 2, 9, 30) if completed else None,
                planned_units=units_planned,
                planned_floor_area=area,
                planned_residential_area=area * Decimal("0.9"),
                total_investment=area * Decimal("4500.00"),
                residential_investment=area * Decimal("3800.00"),
                is_demo=True,
            )
            batch = None
            if completed:
                batch = HandoverBatch.objects.create(
                    number=f"YJ-{number}",
                    project=project,
                    region_code=district,
                    handed_over_by="演示移交人",
                    handed_over_on=datetime.date(start_year + 2, 10, 15),
                    unit_count=units_planned,
                )
            units: list[Unit] = []
            for b_index, (floors, per_floor) in enumerate(shapes, start=1):
                building = Building.objects.create(
                    number=f"{number}-{b_index}",
                    project=project,
                    region_code=district,
                    name=f"{b_index}号楼",
                    building_number=str(b_index),
                    total_floors=floors,
                    floors_above=floors,
                    residential_units=floors * per_floor,
                    floor_area=Decimal(floors * per_floor * 65),
                    construction_status=BuildingStatus.COMPLETED
                    if completed
                    else BuildingStatus.UNDER_CONSTRUCTION,
                    is_handed_over=completed,
                    handover_batch_number=batch.number if batch else "",
                    handed_over_at=batch.handed_over_on if batch else None,
                    handed_over_by=batch.handed_over_by if batch else "",
                    is_demo=True,
                )
                for floor in range(1, floors + 1):
                    for position in range(1, per_floor + 1):
                        state = _state_for(floor, position, floors, completed)
                        room = f"{floor}{position:02d}"
                        occupied = state == UnitState.OCCUPIED
                        surname = SURNAMES[(floor * 7 + position + d_index) % len(SURNAMES)]
                        units.append(
                            Unit(
                                number=f"{building.number}-{room}",
                                building=building,
                                region_code=district,
                                source=source,
                                initial_nature=guarantee,
                                guarantee_mode=guarantee,
                                start_floor=floor,
                                end_floor=floor,
                                nominal_floor=str(floor),
                                unit_label="",
                                room_number=room,
                                floor_area=Decimal("45.00") + Decimal(position % 4) * Decimal("10.50"),
                                inner_area=Decimal("36.00") + Decimal(position % 4) * Decimal("8.40"),
                                layout=("一室一厅", "两室一厅", "两室两厅", "三室一厅")[position % 4],
                                rooms=1 + position % 4,
                                orientation="南" if position <= per_floor // 2 else "北",
                                rent_standard=Decimal("12.50")
                                if guarantee != GuaranteeMode.SHARED_OWNERSHIP
                                else None,
                                price_standard=Decimal("9800.00")
                                if guarantee == GuaranteeMode.SHARED_OWNERSHIP
                                else None,
                                state=state,
                                occupant_name=f"{surname}演示" if occupied else "",
                                handover_batch=batch,
                                handover_batch_number=batch.number if batch else "",
                                is_handed_over=completed,
                                handed_over_at=batch.handed_over_on if batch else None,
                                handed_over_by=batch.handed_over_by if batch else "",
                                is_demo=True,
                            )
                        )
            bulk_create_with_history(units, Unit, batch_size=1000, default_change_reason="演示数据")
            if completed:
                project.is_handed_over = True
                project.handover_batch_number = batch.number
                project.handed_over_at = batch.handed_over_on
                project.save(update_fields=["is_handed_over", "handover_batch_number", "handed_over_at"])


# --- photos (房源展示) --------------------------------------------------------------------------------

# Debian's fonts-noto-cjk; without it the placeholder carries the project number instead of its name.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
PHOTO_VIEWS = (("外景", (13, 94, 168)), ("小区环境", (39, 128, 90)))


def _placeholder_photo(
    *, label: str, fallback: str, view: str, colour: tuple[int, int, int]
) -> SimpleUploadedFile:
    """A drawn 800×600 JPEG: sky, a block of flats with windows, and the project's name."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (800, 600), (214, 230, 242))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 800, 600), fill=(120, 160, 110))  # lawn
    for left, floors in ((90, 9), (330, 11), (570, 7)):
        top = 470 - floors * 34
        draw.rectangle((left, top, left + 150, 470), fill=colour, outline=(40, 40, 40), width=2)
        for floor in range(floors):
            for col in range(4):
                x, y = left + 14 + col * 34, top + 10 + floor * 34
                draw.rectangle((x, y, x + 20, y + 18), fill=(245, 240, 210))
    font_path = next((f for f in CJK_FONTS if Path(f).exists()), None)
    if font_path:
        font = ImageFont.truetype(font_path, 44)
        text = f"{label} · {view}"
    else:
        font = ImageFont.load_default()
        text = fallback
    draw.rectangle((0, 0, 800, 80), fill=(255, 255, 255))
    draw.text((24, 14), text, fill=(20, 20, 20), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{fallback}-{len(view)}.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_demo_project_photos() -> None:
    """Two photos for each demo project that has none yet (a rerun adds nothing)."""
    from .services.photos import project_photo_add

    projects = Project.objects.filter(number__startswith="DEMO-", is_demo=True).exclude(
        pk__in=ProjectPhoto.objects.values("project_id")
    )
    for project in projects.order_by("pk"):
        for order, (view, colour) in enumerate(PHOTO_VIEWS):
            upload = _placeholder_photo(label=project.name, fallback=project.number, view=view, colour=colour)
            project_photo_add(
                project=project,
                actor=None,
                upload=upload,
                caption=f"{project.name}{view}（演示图）",
                order=order,
            )
