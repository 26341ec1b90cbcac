"""Demo city accounts: organisations and one account per role. Idempotent; demo data only."""

from __future__ import annotations

from stdnum.cn import ric

from housing.regions.models import Region

from .models import Organisation, OrganisationKind, User, UserKind
from .roles import roles_sync
from .services import applicant_register, role_assign

DEMO_PASSWORD = "Demo@2026"
CITY = "440400000000"

ORGANISATIONS = [
    ("ZH-CITY", "珠海市住房保障中心", OrganisationKind.CITY_CENTRE, CITY),
    ("ZH-FIN", "珠海市财政局", OrganisationKind.FINANCE, CITY),
]

# (username, name, organisation code, [(role, region code)], description)
STAFF = [
    ("admin", "系统管理员", "ZH-CITY", [], "系统管理员（Django 后台）"),
    ("city", "陈市中心", "ZH-CITY", [("city_centre", CITY)], "市保障中心"),
    ("xiangzhou", "李区审核", "XZ-CENTRE", [("district_reviewer", "440402000000")], "区审核（香洲区）"),
    ("doumen", "赵区审核", "DM-CENTRE", [("district_reviewer", "440403000000")], "区审核（斗门区）"),
    ("cuixiang", "王街道", "XZ-001", [("street_caseworker", "440402001000")], "街道经办（翠香街道）"),
    ("meihua", "周街道", "XZ-002", [("street_caseworker", "440402002000")], "街道经办（梅华街道）"),
    ("finance", "刘财务", "ZH-FIN", [("finance_officer", CITY)], "财务"),
    ("project", "孙项目", "ZH-CITY", [("project_officer", CITY)], "项目"),
    ("supervisor", "吴监督", "ZH-CITY", [("supervisor", CITY)], "监督"),
    ("stats", "郑统计", "ZH-CITY", [("statistician", CITY)], "统计"),
    ("auditor", "钱审计", "ZH-CITY", [("auditor", CITY)], "审计员"),
]

DEMO_APPLICANT = {"phone": "13800000001", "id_body": "44040219900101123", "real_name": "张小明"}


def demo_id_number(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")  # the function ignores the last digit


def _seed_organisations() -> None:
    rows = list(ORGANISATIONS)
    district_codes = {"440402": "XZ", "440403": "DM", "440404": "JW"}
    for region in Region.objects.filter(code__startswith="4404", level__in=[3, 4]):
        short = district_codes.get(region.code[:6])
        if short is None:
            continue
        if region.level == 3:
            rows.append(
                (
                    f"{short}-CENTRE",
                    f"{region.name}住房保障中心",
                    OrganisationKind.DISTRICT_CENTRE,
                    region.code,
                )
            )
        else:
            rows.append(
                (
                    f"{short}-{region.code[6:9]}",
                    f"{region.name}住房保障工作站",
                    OrganisationKind.STREET_OFFICE,
                    region.code,
                )
            )
    for code, name, kind, region_code in rows:
        Organisation.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "region": Region.objects.get(code=region_code)}
        )


def seed_demo_accounts() -> list[tuple[str, str, str]]:
    """Returns (description, login, password) for every demo account."""
    roles_sync()
    _seed_organisations()
    printed = []
    for username, name, org_code, roles, description in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, kind=UserKind.STAFF, real_name=name)
            user.organisation = Organisation.objects.get(code=org_code)
            user.set_password(DEMO_PASSWORD)
            if username == "admin":
                user.is_superuser = True
            user.is_staff = True  # every demo staff account may open the (scoped) Django admin
            user.save()
        for role_code, region_code in roles:
            role_assign(user=user, role_code=role_code, region_code=region_code)
        printed.append((description, username, DEMO_PASSWORD))
    applicant = User.objects.filter(kind=UserKind.APPLICANT, phone=DEMO_APPLICANT["phone"]).first()
    if applicant is None:
        applicant_register(
            phone=DEMO_APPLICANT["phone"],
            id_number=demo_id_number(DEMO_APPLICANT["id_body"]),
            real_name=DEMO_APPLICANT["real_name"],
            password=DEMO_PASSWORD,
        )
    printed.append(("申请人（门户，手机号或身份证号登录）", DEMO_APPLICANT["phone"], DEMO_PASSWORD))
    return printed
