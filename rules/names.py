"""Names of 保障项目 and 保障方式 by code, for pages that store only the codes (年审, 申请).

One query each for a whole page: lists build the dicts once and look every row up in them. A code the
rules do not (or no longer) know is shown as it is, so a page never goes blank.
"""

from __future__ import annotations

from .models import GuaranteeMode, GuaranteeProject


def project_names() -> dict[str, str]:
    # Projects are per region; the same code carries the same name in every region of a city.
    return dict(GuaranteeProject.objects.order_by("-region_code").values_list("code", "name"))


def mode_names() -> dict[str, str]:
    return {
        m.code: m.name or m.get_kind_display()
        for m in GuaranteeMode.objects.only("code", "name", "kind").order_by("-pk")
    }
