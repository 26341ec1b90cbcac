"""申请材料清单: which documents each guarantee mode requires (configuration, not code paths).

There was no such list anywhere in the system, so it is configured here: ``DEFAULT_REQUIREMENTS`` by mode
kind (``rules.models.ModeKind``), overridable per deployment with the setting ``PORTAL_APPLY_DOCUMENTS``::

    PORTAL_APPLY_DOCUMENTS = {
        "rent_subsidy": [  # a mode kind, or "<project code>:<mode code>" for one project's mode
            {"code": "id_card", "name": "申请人及家庭成员身份证", "category": "id_card", "required": True,
             "help": "正反面，每人一份"},
            ...
        ],
    }

A key ``"<project>:<mode>"`` wins over the mode kind; a missing kind falls back to ``"*"``. ``category`` is
the archive's ``housing.archive.models.Category`` the file is filed under on submission.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Requirement:
    code: str
    name: str
    category: str
    required: bool = True
    help: str = ""


_COMMON = [
    {"code": "id_card", "name": "申请人及家庭成员身份证", "category": "id_card", "help": "每人正反面，可拍照上传。"},
    {"code": "household_register", "name": "户口簿", "category": "household_register",
     "help": "首页及本户每名成员页。"},
    {"code": "marriage", "name": "婚姻状况证明", "category": "marriage_certificate", "required": False,
     "help": "已婚提供结婚证，离异提供离婚证或判决书；未婚可不上传。"},
    {"code": "income", "name": "家庭成员收入证明", "category": "income_proof",
     "help": "单位出具的近12个月收入证明，或养老金、失业金领取凭证。"},
    {"code": "housing", "name": "现住房情况证明", "category": "housing_proof",
     "help": "租房合同、借住证明或不动产查询结果。"},
]  # fmt: skip
_ASSETS = {"code": "assets", "name": "家庭资产证明", "category": "asset_proof", "required": False,
           "help": "存款、车辆等资产的证明；没有可不上传。"}  # fmt: skip
_RENT = {"code": "lease", "name": "房屋租赁合同", "category": "contract",
         "help": "申请租赁补贴须提供现租住房屋的租赁合同。"}  # fmt: skip

DEFAULT_REQUIREMENTS: dict[str, list[dict]] = {
    "*": [*_COMMON, _ASSETS],
    "rental_in_kind": [*_COMMON, _ASSETS],
    "sale_in_kind": [*_COMMON, {**_ASSETS, "required": True, "help": "存款、车辆、非住宅房产等资产证明。"}],
    "rent_subsidy": [*_COMMON, _RENT, _ASSETS],
    "purchase_subsidy": [*_COMMON, {**_ASSETS, "required": True}],
}


def requirements_for(*, project_code: str, mode_code: str, mode_kind: str = "") -> list[Requirement]:
    """The materials a mode asks for, in the order the page lists them."""
    table = {**DEFAULT_REQUIREMENTS, **getattr(settings, "PORTAL_APPLY_DOCUMENTS", {})}
    rows = (
        table.get(f"{project_code}:{mode_code}")
        or table.get(mode_kind or mode_code)
        or table.get(mode_code)
        or table["*"]
    )
    return [
        Requirement(
            code=row["code"],
            name=row["name"],
            category=row.get("category", "other"),
            required=row.get("required", True),
            help=row.get("help", ""),
        )
        for row in rows
    ]
