"""Families for tests, filed through the services (so derived columns and members are real)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from housing.accounts.demo import demo_id_number

from ..models import Family, Relation
from ..services import family_create

_counter = itertools.count(1)


def id_number(region6: str = "440400", birth: str = "19800101", seq: int | None = None) -> str:
    """A valid GB 11643 number; each call without ``seq`` gives a new one.

    440400 (珠海市) is valid for any birth year; 440402 (香洲区) only from 1984 on.
    """
    if seq is None:
        # Three digits of sequence: past 999 calls the birth date moves on a day, so numbers stay
        # 18 characters and distinct however many tests run in one process.
        n = next(_counter) - 1
        seq = n % 999 + 1
        born = datetime.date.fromisoformat(f"{birth[:4]}-{birth[4:6]}-{birth[6:]}")
        birth = (born + datetime.timedelta(days=n // 999)).strftime("%Y%m%d")
    return demo_id_number(f"{region6}{birth}{seq:03d}")


def make_family(
    *,
    actor,
    region_code: str,
    name: str = "张三",
    members: int = 0,
    income: Decimal = Decimal("12000.00"),
    **data,
) -> Family:
    payload = {
        "region_code": region_code,
        "applicant_name": name,
        "id_number": data.pop("id_number", None) or id_number(),
        "phone": "13800138000",
        **data,
    }
    family = family_create(
        actor=actor,
        data=payload,
        members=[
            {
                "relation": Relation.SON,
                "name": f"{name}之子{i}",
                "id_number": id_number(birth="20100101"),
                "annual_income": income,
            }
            for i in range(members)
        ],
    )
    return Family.objects.get(pk=family.pk)
