"""Demo families (演示数据) across the streets of the demo city. Idempotent: keyed by the applicant's ID digest."""

from __future__ import annotations

from decimal import Decimal

from housing.accounts.demo import demo_id_number
from housing.accounts.identity import id_number_digest

from .models import (
    EmploymentStatus,
    Family,
    HukouType,
    MaritalStatus,
    Relation,
    ShantytownType,
    SupportMode,
)
from .services import family_create, family_member_update

# Who files each street's families: the demo street caseworkers where there is one, else the city centre.
FILED_BY = {"440402001": "cuixiang", "440402002": "meihua"}
FALLBACK_ACTOR = "city"

# ID bodies use codes valid at the birth year (GB 11643 as python-stdnum checks it): 香洲区 440402 from
# 1984, 斗门县 440421 in 1983–2001, 珠海市 440400 at any time.
# (region, applicant, id body, phone, extra family fields, applicant income, members)
# Member: (relation, name, id body, annual income, extra fields).
DEMO_FAMILIES = [
    (
        "440402001001",
        "陈建国",
        "44040219850312051",
        "13912340001",
        {
            "hukou_county": "香洲区",
            "hukou_street": "翠香街道",
            "hukou_road": "康宁路",
            "hukou_number": "12",
            "hukou_building": "3",
            "hukou_room": "502",
            "total_floor_area": Decimal("38.50"),
            "is_low_income": True,
        },
        Decimal("36000.00"),
        [
            (
                Relation.SPOUSE,
                "林秀英",
                "44040219870707062",
                Decimal("24000.00"),
                {"marital_status": MaritalStatus.MARRIED, "employment_status": EmploymentStatus.FLEXIBLE},
            ),
            (
                Relation.SON,
                "陈宇航",
                "44040220100915031",
                Decimal("0"),
                {"employment_status": EmploymentStatus.STUDENT},
            ),
        ],
    ),
    (
        "440402002002",
        "黄丽娟",
        "44040219880420122",
        "13912340002",
        {
            "hukou_county": "香洲区",
            "hukou_street": "梅华街道",
            "hukou_road": "梅华东路",
            "hukou_number": "88",
            "hukou_room": "1203",
            "total_floor_area": Decimal("0"),
        },
        Decimal("42000.00"),
        [
            (
                Relation.DAUGHTER,
                "周欣怡",
                "44040220150101042",
                Decimal("0"),
                {"employment_status": EmploymentStatus.STUDENT},
            ),
        ],
    ),
    (
        "440402003001",
        "何志强",
        "44040019751108033",
        "13912340003",
        {
            "hukou_county": "香洲区",
            "hukou_street": "前山街道",
            "hukou_road": "前山路",
            "hukou_number": "5",
            "total_floor_area": Decimal("26.00"),
            "is_low_income": True,
            "is_subsistence_allowance_family": True,
            "subsistence_certificate_number": "珠低保字2024第0153号",
        },
        Decimal("9600.00"),
        [
            (
                Relation.SPOUSE,
                "郑美华",
                "44040019770203024",
                Decimal("6000.00"),
                {"marital_status": MaritalStatus.MARRIED, "employment_status": EmploymentStatus.NOT_WORKING},
            ),
            (
                Relation.PARENT,
                "何伯全",
                "44040019480612015",
                Decimal("3600.00"),
                {"employment_status": EmploymentStatus.RETIRED},
            ),
        ],
    ),
    (
        "440403001001",
        "梁美玲",
        "44042119900225086",
        "13912340004",
        {
            "hukou_county": "斗门区",
            "hukou_street": "白藤街道",
            "hukou_road": "白藤一路",
            "hukou_number": "21",
            "total_floor_area": Decimal("0"),
            "agent_name": "梁志文",
            "agent_id_type": "resident_id",
            "agent_id_number": demo_id_number("44040019650101011"),
            "agent_phone": "13912340014",
        },
        Decimal("48000.00"),
        [],
    ),
    (
        "440403101002",
        "吴国栋",
        "44040019700830057",
        "13912340005",
        {
            "hukou_county": "斗门区",
            "hukou_street": "井岸镇",
            "hukou_road": "新堂路",
            "hukou_number": "7",
            "total_floor_area": Decimal("45.20"),
            "lives_in_shantytown": True,
            "shantytown_name": "井岸老街片区",
            "shantytown_type": ShantytownType.URBAN,
        },
        Decimal("30000.00"),
        [
            (
                Relation.SPOUSE,
                "钟少芬",
                "44040019720412048",
                Decimal("18000.00"),
                {"marital_status": MaritalStatus.MARRIED},
            ),
        ],
    ),
    (
        "440404001001",
        "罗晓明",
        "44042119950716019",
        "13912340006",
        {
            "hukou_county": "金湾区",
            "hukou_street": "红旗镇",
            "total_floor_area": Decimal("0"),
            "has_received_housing_support": True,
            "previous_support_mode": SupportMode.RENT_SUBSIDY,
        },
        Decimal("72000.00"),
        [],
    ),
]


def seed_demo_families() -> list[tuple[str, str, str]]:
    """Files the demo families once; running again changes nothing. Prints no accounts."""
    from housing.accounts.models import User

    for region, name, body, phone, extra, income, members in DEMO_FAMILIES:
        id_number = demo_id_number(body)
        if Family.objects.filter(id_number_digest=id_number_digest(id_number)).exists():
            continue
        username = FILED_BY.get(region[:9], FALLBACK_ACTOR)
        actor = User.objects.filter(username=username).first()
        if actor is None:
            continue  # the accounts seeder has not run: nothing to file under
        family = family_create(
            actor=actor,
            data={
                "region_code": region,
                "applicant_name": name,
                "id_number": id_number,
                "phone": phone,
                **extra,
            },
            members=[
                {
                    "relation": relation,
                    "name": member_name,
                    "id_number": demo_id_number(member_body),
                    "annual_income": member_income,
                    "hukou_type": HukouType.RESIDENT,
                    **member_extra,
                }
                for relation, member_name, member_body, member_income, member_extra in members
            ],
        )
        applicant = family.members.get(relation=Relation.SELF)
        # The applicant's own income and status are a member's facts (A.3.10 年收入).
        family_member_update(
            member=applicant,
            actor=actor,
            data={
                "annual_income": income,
                "employment_status": EmploymentStatus.EMPLOYED,
                "hukou_type": HukouType.RESIDENT,
            },
        )
    return []
