"""About 200 demo applications over every stage of 三审核三公示 (issue 4 part 13).

Each case is a family filed at a street window and an application driven through the one service for
every step, ``application_transition``, by the demo reviewer of the right level: the street caseworker,
the district reviewer and the city centre (three different people); publicity closes by the system actor
(``公示期满无异议``). So every case carries real workflow nodes, reviewers, proposed plans and history, and
the later parts (publicity batches, objections, department checks, the registry) work on them as on any
case.

Deterministic and idempotent: the plan of every case comes from a seeded ``random.Random`` (no database
read), and a case is keyed by its applicant's ID number (its keyed hash): a second run finds every
applicant filed and adds nothing. Each case is one transaction: a case that cannot be filed (say a person
already filed by someone else's demo data) is skipped whole.

Dates: the services take no clock argument, so each step runs under a fixed ``timezone.now`` (the
``_clock`` below) on a working day in the past — received a few weeks or months ago, a publicity closed
after exactly its 7 working days, some reviews past their time limit — so the queues show waiting and
overdue cases as an office would. The plan's dates are relative to the day the seeder runs.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from housing.accounts.demo import DEMO_PASSWORD, demo_id_number
from housing.accounts.identity import id_number_digest

from .models import (
    Application,
    ApplicationState,
    EmployerType,
    EmploymentStatus,
    Family,
    HukouType,
    MaritalStatus,
    RefusalReason,
    Relation,
)

S = ApplicationState
SEED = 4_2013  # issue 4, part 13
CENT = Decimal("0.01")

# --- where: the demo streets and who works there ------------------------------------------------------


@dataclass(frozen=True)
class Street:
    code9: str  # street prefix (9 digits)
    name: str
    county: str
    caseworker: str  # username of the street caseworker (街道经办)
    district_reviewer: str
    id_codes: tuple[str, ...]  # birthplace codes of people born here, newest first (GB 11643 by birth year)
    roads: tuple[str, ...]
    weight: int


STREETS = (
    Street(
        "440402001", "翠香街道", "香洲区", "cuixiang", "xiangzhou", ("440402", "440400"),
        ("康宁路", "翠香路", "凤凰北路", "迎宾南路", "人民东路", "紫荆路", "梅华西路"), 30,
    ),
    Street(
        "440402002", "梅华街道", "香洲区", "meihua", "xiangzhou", ("440402", "440400"),
        ("梅华东路", "梅华中路", "柠溪路", "敬业路", "前河东路", "香华路"), 30,
    ),
    Street(
        "440402003", "前山街道", "香洲区", "qianshan", "xiangzhou", ("440402", "440400"),
        ("前山路", "翠前北路", "明珠南路", "港昌路", "工人新村路"), 14,
    ),
    Street(
        "440403001", "白藤街道", "斗门区", "baiteng", "doumen", ("440403", "440421", "440400"),
        ("白藤一路", "白藤三路", "白藤五路", "藤山路", "湖滨路"), 13,
    ),
    Street(
        "440403101", "井岸镇", "斗门区", "jingan", "doumen", ("440403", "440421", "440400"),
        ("新堂路", "井岸路", "中兴中路", "西埔路", "尖峰大桥路"), 13,
    ),
)  # fmt: skip

# Street caseworkers the demo city's account list lacks (翠香 and 梅华 have theirs): without one, a
# case in those streets could not be accepted. (username, name, organisation code, street region).
EXTRA_CASEWORKERS = (
    ("qianshan", "冯街道", "XZ-003", "440402003000", "街道经办（前山街道）"),
    ("baiteng", "许街道", "DM-001", "440403001000", "街道经办（白藤街道）"),
    ("jingan", "邓街道", "DM-101", "440403101000", "街道经办（井岸镇）"),
)
CITY_USER = "city"

# People born elsewhere who now live in the city (外来务工人员, 新就业职工): their ID numbers' codes.
MIGRANT_CODES = ("430102", "450103", "360102", "420106", "440104", "441702")

# --- who: names ---------------------------------------------------------------------------------------

SURNAMES = (
    "陈李黄张梁林刘吴何郑罗王周杨谢许邓冯曾彭赵徐朱胡郭高蔡钟卢潘江叶苏"
    "余谭廖邱温方古莫欧伍袁宋唐韩曹肖田董程魏丁沈姚"
)
MALE_GIVEN = (
    "建国", "志强", "国华", "海波", "文斌", "永康", "伟明", "家豪", "俊杰", "振华", "国栋", "少锋",
    "锦荣", "卫东", "德明", "建华", "志明", "伟", "强", "军", "勇", "磊", "涛", "斌", "鹏", "辉", "健",
)  # fmt: skip
FEMALE_GIVEN = (
    "秀英", "丽娟", "美玲", "玉兰", "桂芳", "丽华", "少芬", "淑仪", "惠玲", "晓燕", "春梅", "翠兰",
    "雪梅", "艳", "敏", "静", "芳", "娟", "霞", "婷", "琳", "慧", "颖",
)  # fmt: skip
CHILD_MALE = ("宇航", "子轩", "浩然", "梓睿", "俊熙", "嘉乐", "铭轩", "宇辰", "子豪", "博文", "一鸣", "思远")
CHILD_FEMALE = (
    "欣怡",
    "梓涵",
    "雨桐",
    "诗涵",
    "可馨",
    "佳怡",
    "思琪",
    "语嫣",
    "一诺",
    "紫萱",
    "晓彤",
    "心怡",
)
ELDER_MALE = ("伯全", "福生", "炳坤", "德胜", "永昌", "锦泉", "亚九", "国庆")
ELDER_FEMALE = ("桂兰", "秀珍", "淑英", "玉珍", "亚妹", "带娣", "金凤", "月娥")
EMPLOYERS = (
    ("珠海市香洲区环卫所", EmployerType.PUBLIC_INSTITUTION),
    ("珠海格力电器股份有限公司", EmployerType.STATE_ENTERPRISE),
    ("珠海华发物业服务有限公司", EmployerType.STATE_ENTERPRISE),
    ("珠海市公共交通运输集团有限公司", EmployerType.STATE_ENTERPRISE),
    ("珠海市斗门区白藤湖农贸市场", EmployerType.COLLECTIVE),
    ("珠海某电子科技有限公司", EmployerType.PRIVATE),
    ("珠海某餐饮管理有限公司", EmployerType.PRIVATE),
    ("个体经营（水果档）", EmployerType.SELF_EMPLOYED),
    ("珠海某外资制衣有限公司", EmployerType.FOREIGN),
)

# --- what: projects and the stages -------------------------------------------------------------------

# (project, mode, weight, per-capita annual income range that passes, label for opinions)
PROJECTS = (
    ("lianzu", "rent_subsidy", 35, (5_000, 17_500), "廉租住房租赁补贴"),
    ("lianzu", "rental_in_kind", 15, (4_000, 17_500), "廉租住房实物配租"),
    ("gongzu", "rental_in_kind", 35, (14_000, 38_000), "公共租赁住房"),
    ("jingshi", "sale_in_kind", 15, (12_000, 24_000), "经济适用住房"),
)
# The rule sets' ceilings (rules.defaults): 廉租 per-capita monthly < 1,549 → annual 18,588; 公租 annual
# 40,000; 经适 monthly < 2,065 → annual 24,780; per-capita floor area < 15 m² for all.
INCOME_CEILING = {"lianzu": 18_588, "gongzu": 40_000, "jingshi": 24_780}
AREA_CEILING = Decimal("15")

FORWARD = (
    "submit",
    "accept",
    "street_approve",
    "street_publicity_close",
    "district_approve",
    "district_publicity_close",
    "city_approve",
    "city_publicity_close",
)
F = FORWARD
SUPPLEMENT = ("request_supplement", "resubmit")
FREEZE_RELEASE = ("freeze", "release")

# (final state, how many, steps from the draft, refusal reasons cycled over those cases)
SCENARIOS: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    (S.DRAFT, 12, (), ()),
    (S.SUBMITTED, 14, F[:1], ()),
    (S.STREET_REVIEW, 22, F[:2], ()),
    (S.STREET_REVIEW, 2, (*F[:2], *SUPPLEMENT), ()),
    (S.STREET_PUBLICITY, 12, F[:3], ()),
    (S.DISTRICT_REVIEW, 18, F[:4], ()),
    (S.DISTRICT_REVIEW, 2, (*F[:4], *SUPPLEMENT), ()),
    (S.DISTRICT_PUBLICITY, 10, F[:5], ()),
    (S.CITY_REVIEW, 16, F[:6], ()),
    (S.CITY_REVIEW, 2, (*F[:5], *FREEZE_RELEASE, F[5]), ()),
    (S.CITY_PUBLICITY, 10, F[:7], ()),
    (S.REGISTERED, 30, F, ()),
    (S.REGISTERED, 4, (*F[:2], *SUPPLEMENT, *F[2:]), ()),
    (S.REGISTERED, 2, (*F[:7], *FREEZE_RELEASE, F[7]), ()),
    (S.REFUSED, 2, (*F[:1], "refuse"), (RefusalReason.HUKOU_NOT_MET,)),
    (
        S.REFUSED,
        6,
        (*F[:2], "refuse"),
        (
            RefusalReason.INCOME_OVER_LIMIT,
            RefusalReason.HOUSING_OVER_LIMIT,
            RefusalReason.ASSETS_OVER_LIMIT,
            RefusalReason.FALSE_DECLARATION,
        ),
    ),
    (
        S.REFUSED,
        4,
        (*F[:4], "refuse"),
        (
            RefusalReason.FALSE_DECLARATION,
            RefusalReason.INCOME_OVER_LIMIT,
            RefusalReason.ASSETS_OVER_LIMIT,
            RefusalReason.HUKOU_NOT_MET,
        ),
    ),
    (S.REFUSED, 2, (*F[:6], "refuse"), (RefusalReason.HOUSING_OVER_LIMIT, RefusalReason.OTHER)),
    (S.REFUSED, 2, (*F[:3], "freeze", "refuse"), (RefusalReason.OBJECTION_UPHELD,)),
    (S.RETURNED, 6, (*F[:2], "request_supplement"), ()),
    (S.RETURNED, 4, (*F[:4], "request_supplement"), ()),
    (S.RETURNED, 2, (*F[:6], "request_supplement"), ()),
    (S.WITHDRAWN, 2, (*F[:1], "withdraw"), ()),
    (S.WITHDRAWN, 2, (*F[:2], "withdraw"), ()),
    (S.WITHDRAWN, 2, (*F[:2], "request_supplement", "withdraw"), ()),
    (S.WITHDRAWN, 1, (*F[:3], "withdraw"), ()),
    (S.WITHDRAWN, 1, (*F[:4], "withdraw"), ()),
    (S.FROZEN, 4, (*F[:3], "freeze"), ()),
    (S.FROZEN, 2, (*F[:5], "freeze"), ()),
    (S.FROZEN, 2, (*F[:7], "freeze"), ()),
)
DEMO_CASE_COUNT = sum(count for _state, count, _steps, _reasons in SCENARIOS)

# Working days between one step and the next (a publicity runs its 7 working days, issue 4 part 3).
GAP_DAYS = {
    "submit": (0, 3),
    "accept": (0, 2),
    "street_approve": (3, 14),
    "street_publicity_close": (7, 7),
    "district_approve": (2, 12),
    "district_publicity_close": (7, 7),
    "city_approve": (2, 10),
    "city_publicity_close": (7, 7),
    "request_supplement": (2, 10),
    "resubmit": (3, 12),
    "freeze": (1, 5),
    "release": (3, 8),
    "refuse": (2, 12),
    "withdraw": (1, 10),
}
# Working days a case has waited in its present state: reviews up to a few days past their limit
# (street 20, district 15, city 15), publicity under its 7 days, finished cases up to half a year.
WAIT_DAYS = {
    S.DRAFT: (0, 15),
    S.SUBMITTED: (0, 7),
    S.STREET_REVIEW: (0, 26),
    S.STREET_PUBLICITY: (0, 6),
    S.DISTRICT_REVIEW: (0, 19),
    S.DISTRICT_PUBLICITY: (0, 6),
    S.CITY_REVIEW: (0, 18),
    S.CITY_PUBLICITY: (0, 6),
    S.REGISTERED: (1, 120),
    S.REFUSED: (1, 90),
    S.RETURNED: (0, 15),
    S.WITHDRAWN: (1, 90),
    S.FROZEN: (1, 9),
}

# --- opinions: what the reviewers write -------------------------------------------------------------

OPINIONS = {
    "submit": (
        "申请人到街道窗口提交申请，已核对身份证、户口簿原件，材料齐全。",
        "窗口受理登记，申请表、收入证明、租房合同等材料已收齐。",
        "申请人委托社区代为递交申请，材料经社区初核后报送。",
    ),
    "accept": (
        "材料齐全，符合受理条件，予以受理。",
        "经核对，申请材料完整有效，同意受理，转入街道审核。",
    ),
    "street_approve": (
        "经入户调查和邻里走访，家庭人口、收入及住房情况与申报一致，符合{project}申请条件，同意上报。",
        "已入户核查，家庭现租住私房，收入证明与社保缴费记录相符，同意上报区住房保障部门。",
        "经社区评议和入户核查，申报情况属实，同意进行街道公示。",
    ),
    "district_approve": (
        "经复核，家庭收入、住房及资产情况符合{project}条件，同意上报。",
        "复核材料齐全，与部门比对数据一致，同意进行区级公示。",
    ),
    "city_approve": (
        "经审核，符合{project}保障条件，拟准予登记，进行市级公示。",
        "审核通过，保障方案按拟定标准执行，同意市级公示。",
    ),
    "publicity_close": ("公示期满无异议",),
    "resubmit": (
        "申请人已补交所列材料，经核对无误，重新提交审核。",
        "补正材料已收齐，退回原审核环节继续审核。",
    ),
    "release": (
        "经入户核查及不动产登记查询，举报反映情况不属实，解除冻结，继续公示。",
        "经调查核实，举报所称经营收入已计入申报收入，异议不成立，解除冻结。",
    ),
}
SUPPLEMENTS = (
    ("材料不全，请补正后重新提交。", "近 6 个月银行流水\n户口簿复印件（全部成员页）"),
    ("收入证明未加盖单位公章，请补正。", "加盖公章的收入证明（配偶）"),
    ("租房合同已过期，请补交有效合同。", "现行有效的房屋租赁合同及备案回执"),
    ("子女就学情况需补充证明。", "子女在读证明"),
    ("婚姻状况材料不完整。", "离婚证及离婚协议书复印件"),
)
FREEZES = (
    "公示期间收到实名举报，反映该户在斗门区另有住房一套，冻结待查。",
    "公示期间收到实名举报，反映申请人配偶有个体经营收入未申报，冻结待查。",
    "公示期间收到实名来信，反映该户实际不在本社区居住，冻结待查。",
)
WITHDRAWALS = (
    "申请人书面申请撤回（已另行购买商品住房）。",
    "申请人书面申请撤回（家庭收入增加，自愿放弃）。",
    "申请人书面申请撤回（户籍将迁往外市）。",
    "申请人逾期未补正材料并书面申请撤回。",
)
REFUSALS = {
    RefusalReason.INCOME_OVER_LIMIT: "经核查，家庭人均年收入{income}元，超过{project}收入标准，不予登记。",
    RefusalReason.HOUSING_OVER_LIMIT: "经不动产登记查询，家庭人均住房建筑面积{area}平方米，超过标准，不予登记。",
    RefusalReason.ASSETS_OVER_LIMIT: "经银行及车辆登记核查，家庭名下存款及车辆合计超过资产标准，不予登记。",
    RefusalReason.HUKOU_NOT_MET: "申请人本市户籍不满规定年限，不符合申请条件，不予登记。",
    RefusalReason.FALSE_DECLARATION: "经核查，申请人隐瞒配偶经营收入，属虚报家庭情况，不予登记。",
    RefusalReason.OBJECTION_UPHELD: "经核查，举报属实：该户在斗门区另有住房一套未申报，不予登记。",
    RefusalReason.OTHER: "申请人已享受单位福利分房，不符合保障条件，不予登记。",
}

# --- the plan of one case (pure data, no database) ------------------------------------------------------


@dataclass
class MemberPlan:
    relation: str
    name: str
    id_number: str
    annual_income: Decimal
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    number: int
    street: Street
    region_code: str
    project_code: str
    mode_code: str
    project_label: str
    final_state: str
    steps: tuple[str, ...]
    refusal_reason: str
    family: dict[str, Any]
    applicant_income: Decimal
    applicant_extra: dict[str, Any]
    members: list[MemberPlan]
    gaps: list[int]  # working days before each step (index 0: before the draft is made)
    wait: int  # working days since the last step
    hours: list[tuple[int, int]]  # (hour, minute) of the draft and of each step
    choices: list[int]  # which opinion text each step takes

    @property
    def applicant_id_number(self) -> str:
        return self.family["id_number"]


class _People:
    """Deterministic names and unique, valid GB 11643 numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def id_number(self, codes: tuple[str, ...], born: datetime.date, *, male: bool) -> str:
        for code in (*codes, "440400"):
            # Sequence 600–999: clear of the hand-written demo families' numbers.
            for _attempt in range(50):
                seq = self.rng.randrange(300, 500) * 2 + (1 if male else 0)
                body = f"{code}{born:%Y%m%d}{seq:03d}"
                number = demo_id_number(body)
                if number in self.used:
                    continue
                if not ric.is_valid(number):
                    break  # the code was not in force in that birth year: try the next code
                self.used.add(number)
                return number
        raise RuntimeError("no valid ID number")  # pragma: no cover - 440400 is valid for any year

    def birth(self, year_from: int, year_to: int) -> datetime.date:
        year = self.rng.randint(year_from, year_to)
        return datetime.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))


def _money(value: float | Decimal) -> Decimal:
    """Demo figures are drawn at random (floats); they become yuan with 2 places here, once."""
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _pick(rng: random.Random, weighted: tuple) -> Any:
    return rng.choices(weighted, weights=[row[2] for row in weighted])[0]


def build_case_plans(today: datetime.date | None = None) -> list[CasePlan]:
    """The ~200 cases, always the same for the same seed (the date only bounds the ages)."""
    rng = random.Random(SEED)
    people = _People(rng)
    this_year = (today or timezone.localdate()).year
    expanded: list[tuple[str, tuple[str, ...], str]] = []
    for state, count, steps, reasons in SCENARIOS:
        for i in range(count):
            expanded.append((state, steps, reasons[i % len(reasons)] if reasons else ""))
    rng.shuffle(expanded)
    plans = []
    for number, (state, steps, reason) in enumerate(expanded, start=1):
        street = rng.choices(STREETS, weights=[s.weight for s in STREETS])[0]
        region_code = f"{street.code9}{rng.randint(1, 3):03d}"
        project_code, mode_code, _weight, (low, high), label = _pick(rng, PROJECTS)
        plans.append(
            _plan_case(
                rng,
                people,
                number=number,
                street=street,
                region_code=region_code,
                project=(project_code, mode_code, low, high, label),
                state=state,
                steps=steps,
                reason=reason,
                this_year=this_year,
            )
        )
    return plans


def _plan_case(
    rng: random.Random,
    people: _People,
    *,
    number: int,
    street: Street,
    region_code: str,
    project: tuple[str, str, int, int, str],
    state: str,
    steps: tuple[str, ...],
    reason: str,
    this_year: int,
) -> CasePlan:
    project_code, mode_code, low, high, label = project
    size = rng.choices((1, 2, 3, 4, 5), weights=(14, 24, 34, 18, 10))[0]
    male = rng.random() < 0.55
    migrant = project_code == "gongzu" and rng.random() < 0.3
    # 廉租 for a single person needs the applicant to be 35 or older.
    applicant_born = people.birth(this_year - 68, this_year - (36 if size == 1 else 26))
    codes = MIGRANT_CODES[rng.randrange(len(MIGRANT_CODES)) :][:1] if migrant else street.id_codes
    surname = rng.choice(SURNAMES)
    applicant_name = surname + rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
    applicant_id = people.id_number(codes, applicant_born, male=male)

    # Income: inside the project's ceiling, or above it for a refusal on income.
    per_capita = rng.uniform(low, high)
    if reason == RefusalReason.INCOME_OVER_LIMIT:
        per_capita = INCOME_CEILING[project_code] * rng.uniform(1.12, 1.6)
    total_income = per_capita * size
    area_per_capita = (
        rng.uniform(16, 28)
        if reason == RefusalReason.HOUSING_OVER_LIMIT
        else (0 if rng.random() < 0.45 else rng.uniform(5, 14.5))
    )

    members: list[MemberPlan] = []
    married = size >= 2 and rng.random() < 0.8
    earners = 1
    if married:
        spouse_male = not male
        spouse_born = people.birth(applicant_born.year - 4, min(applicant_born.year + 4, this_year - 22))
        spouse_surname = rng.choice(SURNAMES)
        members.append(
            MemberPlan(
                Relation.SPOUSE,
                spouse_surname + rng.choice(MALE_GIVEN if spouse_male else FEMALE_GIVEN),
                people.id_number(codes, spouse_born, male=spouse_male),
                Decimal("0"),
                {
                    "marital_status": MaritalStatus.MARRIED,
                    "employment_status": rng.choice(
                        (EmploymentStatus.EMPLOYED, EmploymentStatus.FLEXIBLE, EmploymentStatus.UNEMPLOYED)
                    ),
                },
            )
        )
        earners += members[-1].extra["employment_status"] != EmploymentStatus.UNEMPLOYED
    elder_slots = 1 if size >= 4 and rng.random() < 0.5 else 0
    children = size - 1 - len(members) - elder_slots
    for _child in range(children):
        child_male = rng.random() < 0.5
        first_year = max(applicant_born.year + 20, this_year - 24)
        born = people.birth(min(first_year, this_year - 1), this_year - 1)
        age = this_year - born.year
        members.append(
            MemberPlan(
                Relation.SON if child_male else Relation.DAUGHTER,
                surname + rng.choice(CHILD_MALE if child_male else CHILD_FEMALE),
                people.id_number(codes, born, male=child_male),
                Decimal("0"),
                {
                    "employment_status": EmploymentStatus.STUDENT if age >= 6 else EmploymentStatus.PRESCHOOL,
                    "marital_status": MaritalStatus.UNMARRIED,
                },
            )
        )
    for _elder in range(elder_slots):
        elder_male = rng.random() < 0.5
        born = people.birth(max(applicant_born.year - 32, this_year - 92), applicant_born.year - 22)
        members.append(
            MemberPlan(
                Relation.PARENT,
                (surname if elder_male else rng.choice(SURNAMES))
                + rng.choice(ELDER_MALE if elder_male else ELDER_FEMALE),
                people.id_number(codes, born, male=elder_male),
                _money(rng.choice((0, 2_400, 3_600, 4_800))),
                {"employment_status": EmploymentStatus.RETIRED, "marital_status": MaritalStatus.MARRIED},
            )
        )
    # The earners share what is left once the pensions are counted.
    pensions = sum(m.annual_income for m in members)
    remaining = max(Decimal("0"), _money(total_income) - pensions)
    # The same draw from the seeded generator as before, kept as a Decimal share (DESIGN §4 rule 5).
    share = Decimal(str(round(rng.uniform(0.55, 0.75), 4))) if earners > 1 else Decimal("1")
    applicant_income = _money(remaining * share)
    if earners > 1:
        members[0].annual_income = remaining - applicant_income
    employer, employer_type = rng.choice(EMPLOYERS)

    road = rng.choice(street.roads)
    family: dict[str, Any] = {
        "region_code": region_code,
        "applicant_name": applicant_name,
        "id_number": applicant_id,
        "phone": f"13{rng.randint(5, 9)}{rng.randint(0, 99_999_999):08d}",
        "hukou_county": "" if migrant else street.county,
        "hukou_street": "" if migrant else street.name,
        "hukou_road": "" if migrant else road,
        "hukou_number": "" if migrant else str(rng.randint(1, 220)),
        "hukou_room": "" if migrant else f"{rng.randint(1, 18)}0{rng.randint(1, 6)}",
        "total_floor_area": _money(area_per_capita * size),
        "is_low_income": project_code == "lianzu" and per_capita < 12_000,
    }
    if project_code == "lianzu" and per_capita < 7_000 and rng.random() < 0.6:
        family["is_subsistence_allowance_family"] = True
        family["subsistence_certificate_number"] = f"珠低保字{this_year - rng.randint(0, 4)}第{number:04d}号"
    applicant_extra = {
        "employment_status": EmploymentStatus.EMPLOYED if rng.random() < 0.7 else EmploymentStatus.FLEXIBLE,
        "employer": employer,
        "employer_type": employer_type,
        "hukou_type": HukouType.NONE_LOCAL if migrant else HukouType.RESIDENT,
        "marital_status": MaritalStatus.MARRIED
        if married
        else rng.choice((MaritalStatus.UNMARRIED, MaritalStatus.DIVORCED, MaritalStatus.WIDOWED)),
        "is_migrant_worker": migrant,
    }
    for member in members:
        member.extra.setdefault("hukou_type", HukouType.NONE_LOCAL if migrant else HukouType.RESIDENT)

    gaps = [rng.randint(0, 3)] + [rng.randint(*GAP_DAYS[step]) for step in steps]
    for i, step in enumerate(steps):
        if step.endswith("_publicity_close") and i and steps[i - 1] == "release":
            gaps[i + 1] = rng.randint(2, 5)  # the rest of the publicity after the freeze was lifted
    return CasePlan(
        number=number,
        street=street,
        region_code=region_code,
        project_code=project_code,
        mode_code=mode_code,
        project_label=label,
        final_state=state,
        steps=steps,
        refusal_reason=reason,
        family=family,
        applicant_income=applicant_income,
        applicant_extra=applicant_extra,
        members=members,
        gaps=gaps,
        wait=rng.randint(*WAIT_DAYS[state]),
        hours=[
            (rng.randint(8, 16), rng.choice((5, 12, 20, 26, 35, 41, 48, 53))) for _ in range(len(steps) + 1)
        ],
        choices=[rng.randrange(1000) for _ in range(len(steps))],
    )


# --- running the plan ------------------------------------------------------------------------------------


@contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Every ``timezone.now()`` inside returns ``moment`` (services, auto_now fields, workflow due dates)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _moments(plan: CasePlan, calendar, now: datetime.datetime) -> list[datetime.datetime]:
    """When the draft was made and when each step was taken: working days, office hours, never ahead."""
    today = timezone.localtime(now).date()
    days = [calendar.add_working_days(today, -plan.wait)]
    for gap in reversed(plan.gaps[1:]):
        days.insert(0, calendar.add_working_days(days[0], -gap))
    moments = [
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        for day, (hour, minute) in zip(days, plan.hours, strict=True)
    ]
    # Same-day steps keep their order; nothing happens later than a few minutes ago.
    latest = now - datetime.timedelta(minutes=5)
    for i in range(len(moments) - 1, -1, -1):
        ceiling = latest if i == len(moments) - 1 else moments[i + 1] - datetime.timedelta(minutes=7)
        moments[i] = min(moments[i], ceiling)
    for i in range(1, len(moments)):
        if moments[i] <= moments[i - 1]:
            moments[i] = moments[i - 1] + datetime.timedelta(minutes=3)
    return moments


def _ensure_extra_caseworkers() -> list[tuple[str, str, str]]:
    from housing.accounts.models import Organisation, User, UserKind
    from housing.accounts.services import role_assign

    printed = []
    for username, name, org_code, region_code, description in EXTRA_CASEWORKERS:
        organisation = Organisation.objects.filter(code=org_code).first()
        if organisation is None:
            continue  # the accounts seeder has not made the street's office
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, kind=UserKind.STAFF, real_name=name, organisation=organisation)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.save()
        role_assign(user=user, role_code="street_caseworker", region_code=region_code)
        printed.append((description, username, DEMO_PASSWORD))
    return printed


def _opinion(plan: CasePlan, index: int, name: str, family: Family) -> dict[str, str]:
    choice = plan.choices[index]
    if name.endswith("_publicity_close"):
        return {"opinion": OPINIONS["publicity_close"][0]}
    if name == "request_supplement":
        opinion, items = SUPPLEMENTS[choice % len(SUPPLEMENTS)]
        return {"opinion": opinion, "supplement_items": items}
    if name == "freeze":
        return {"opinion": FREEZES[choice % len(FREEZES)]}
    if name == "withdraw":
        return {"opinion": WITHDRAWALS[choice % len(WITHDRAWALS)]}
    if name == "refuse":
        text = REFUSALS[plan.refusal_reason].format(
            income=f"{family.per_capita_income:,.2f}",
            area=family.per_capita_floor_area,
            project=plan.project_label,
        )
        return {"opinion": text, "refusal_reason": plan.refusal_reason}
    texts = OPINIONS[name]
    return {"opinion": texts[choice % len(texts)].format(project=plan.project_label)}


def _actor(name: str, application: Application, plan: CasePlan, users: dict[str, Any], system):
    if name.endswith("_publicity_close"):
        return system
    if name in ("submit", "accept", "resubmit", "withdraw", "street_approve"):
        return users[plan.street.caseworker]
    if name == "district_approve":
        return users[plan.street.district_reviewer]
    if name == "city_approve":
        return users[CITY_USER]
    # refuse, request_supplement, freeze, release: the reviewer of the level the case is at.
    return {
        "street": users[plan.street.caseworker],
        "district": users[plan.street.district_reviewer],
        "city": users[CITY_USER],
    }[application.level]


def _file_case(plan: CasePlan, *, users: dict[str, Any], system, calendar, now) -> Application:
    from .applications import application_create, application_transition
    from .services import family_create, family_member_update

    moments = _moments(plan, calendar, now)
    caseworker = users[plan.street.caseworker]
    with _clock(moments[0] - datetime.timedelta(minutes=20)):
        family = family_create(
            actor=caseworker,
            data={**plan.family, "registration_year": timezone.localdate().year},
            members=[
                {
                    "relation": m.relation,
                    "name": m.name,
                    "id_number": m.id_number,
                    "annual_income": m.annual_income,
                    **m.extra,
                }
                for m in plan.members
            ],
        )
        applicant = family.members.get(relation=Relation.SELF)
        family = family_member_update(
            member=applicant,
            actor=caseworker,
            data={"annual_income": plan.applicant_income, **plan.applicant_extra},
        ).family
    with _clock(moments[0]):
        application = application_create(
            family=family, project_code=plan.project_code, mode_code=plan.mode_code, actor=caseworker
        )
    for index, name in enumerate(plan.steps):
        with _clock(moments[index + 1]):
            application = application_transition(
                application=application,
                actor=_actor(name, application, plan, users, system),
                name=name,
                **_opinion(plan, index, name, family),
            )
    return application


def seed_demo_cases(*, plans: list[CasePlan] | None = None) -> list[tuple[str, str, str]]:
    """DEMO_SEEDERS entry: about 200 demo applications over every stage. Returns the extra accounts."""
    from housing.accounts.models import User
    from housing.accounts.system import system_actor
    from housing.workflow.calendar import WorkingCalendar
    from rules.models import GuaranteeProject

    printed = _ensure_extra_caseworkers()
    usernames = {CITY_USER, *(s.caseworker for s in STREETS), *(s.district_reviewer for s in STREETS)}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if set(users) != usernames or not GuaranteeProject.objects.filter(code="lianzu").exists():
        return printed  # the accounts or the rules seeder has not run: nothing to file under
    system = system_actor()
    calendar = WorkingCalendar()
    now = timezone.now()
    plans = build_case_plans(timezone.localdate()) if plans is None else plans
    digests = {id_number_digest(p.applicant_id_number): p for p in plans}
    filed = set(
        Family.objects.filter(id_number_digest__in=digests).values_list("id_number_digest", flat=True)
    )
    for digest, plan in digests.items():
        if digest in filed:
            continue
        try:
            with transaction.atomic():
                _file_case(plan, users=users, system=system, calendar=calendar, now=now)
        except ValidationError:
            # Someone else's data already holds one of this case's people: leave the case out whole.
            continue
    return printed


def build_sale_family_plans(today: datetime.date | None = None, count: int = 4) -> list[CasePlan]:
    """``count`` 经适房 cases taken the whole way to 准予登记, always the same (their own seed).

    The ~200 random cases happen to register no 经适房 family; the sale contracts and the resale and
    return demos after allocation need some.
    """
    rng = random.Random(SEED + 1)
    people = _People(rng)
    this_year = (today or timezone.localdate()).year
    project_code, mode_code, _weight, (low, high), label = next(p for p in PROJECTS if p[0] == "jingshi")
    plans = []
    for number in range(1, count + 1):
        street = rng.choices(STREETS, weights=[s.weight for s in STREETS])[0]
        plans.append(
            _plan_case(
                rng, people, number=1000 + number, street=street,
                region_code=f"{street.code9}{rng.randint(1, 3):03d}",
                project=(project_code, mode_code, low, high, label),
                state=S.REGISTERED, steps=FORWARD, reason="", this_year=this_year,
            )  # fmt: skip
        )
    return plans


def seed_demo_sale_families() -> list[tuple[str, str, str]]:
    """DEMO_SEEDERS entry after ``seed_demo_cases``: the registered 经适房 families (idempotent likewise)."""
    seed_demo_cases(plans=build_sale_family_plans(timezone.localdate()))
    return []  # the caseworkers were printed by seed_demo_cases
