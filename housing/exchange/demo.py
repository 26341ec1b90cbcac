"""Demo department data (演示数据) for some of the demo families' ID numbers. Idempotent.

The ID bodies repeat a few of ``admission.demo``'s applicants literally: the platform must not import
admission (DESIGN §4 rule 1), and the point of the demo is that the reviewers' checks find them.
Some values differ on purpose from what the families declare, so the comparison has something to flag.
"""

from __future__ import annotations

import datetime as dt

from housing.accounts.demo import demo_id_number
from housing.accounts.identity import id_number_digest

from .models import Dataset, MirrorRecord
from .services import datasets_sync, mirror_record_add

DEMO_SOURCE = "演示数据"
DEMO_DATE = dt.date(2026, 6, 30)

# (ID body, dataset code, values)
DEMO_RECORDS: list[tuple[str, str, dict]] = [
    ("44040219850312051", "hukou", {"name": "陈建国", "hukou_address": "珠海市香洲区翠香街道康宁路12号3栋502",
                                   "hukou_type": "非农业", "registered_on": "2005-03-01"}),
    ("44040219850312051", "income", {"year": 2025, "annual_income": "52000.00", "tax_paid": "0"}),
    ("44040219850312051", "social_insurance", {"employer": "珠海市某物业服务有限公司", "monthly_base": "4300",
                                              "months_paid": 60, "is_active": "是"}),
    ("44040219870707062", "marriage", {"marital_status": "已婚", "registered_on": "2008-10-01", "spouse_name": "陈建国"}),
    ("44040219880420122", "hukou", {"name": "黄丽娟", "hukou_address": "珠海市香洲区梅华街道", "hukou_type": "非农业"}),
    ("44040219880420122", "income", {"year": 2025, "annual_income": "42000.00"}),
    ("44040019751108033", "real_estate", {"certificate_number": "粤(2019)珠海市不动产权第0012345号",
                                         "address": "珠海市香洲区拱北街道某小区5栋301", "floor_area": "26.00"}),
    ("44040019751108033", "subsistence", {"category": "低保", "since": "2021-01-01", "monthly_amount": "1200.00"}),
    ("44042119900225086", "talent", {"category": "青年优秀人才", "certified_on": "2024-07-01", "valid_until": "2029-06-30"}),
    ("44042119900225086", "education", {"degree": "硕士研究生", "school": "中山大学", "graduated_on": "2015-06-30"}),
    ("44040019700830057", "vehicle", {"plate_number": "粤C·D12345", "vehicle_type": "小型轿车", "registered_on": "2018-05-20"}),
]  # fmt: skip


def seed_demo_exchange() -> list[tuple[str, str, str]]:
    """The reference datasets and a few mirror rows; running again adds nothing. Prints no accounts."""
    datasets_sync()
    datasets = {d.code: d for d in Dataset.objects.all()}
    for body, code, values in DEMO_RECORDS:
        id_number = demo_id_number(body)
        dataset = datasets[code]
        if MirrorRecord.objects.filter(
            dataset=dataset, id_number_digest=id_number_digest(id_number), source=DEMO_SOURCE
        ).exists():
            continue
        mirror_record_add(
            dataset=dataset, id_number=id_number, values=values, source=DEMO_SOURCE, source_date=DEMO_DATE
        )
    return []
