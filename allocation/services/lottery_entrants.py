"""Who enters a lottery: the families waiting (轮候中) on the lottery's project and mode in its region.

Priority round (DESIGN §4 rule 9, issue 7 part 4: priority rounds are drawn first): round 1 for 低保
families (最低生活保障家庭 in the registry) — the first priority group of the default ordering rule — round 2
for the rest. (The registry's 特定群体类别 is the project's, the same for every family, so it cannot rank.) The rule is written down in docs/lottery.md; the entrant file shows each family's round, so anyone
can check it before the draw.
"""

from __future__ import annotations

from admission.registry.models import WaitlistEntry, WaitlistStatus
from housing.accounts.identity import mask_name
from housing.regions.codes import scope_prefix

from ..models import Lottery
from .lottery import EntrantSpec

PRIORITY_ROUND, GENERAL_ROUND = 1, 2


def lottery_entrants_from_waitlist(*, lottery: Lottery) -> list[EntrantSpec]:
    entries = WaitlistEntry.objects.filter(
        status=WaitlistStatus.WAITING, region_code__startswith=scope_prefix(lottery.region_code)
    )
    if lottery.project_code:
        entries = entries.filter(project_code=lottery.project_code)
    if lottery.mode_code:
        entries = entries.filter(mode_code=lottery.mode_code)
    rows = entries.values_list(
        "registry_entry__application_number",
        "registry_entry__applicant_name",
        "registry_entry__family_id",
        "registry_entry__is_subsistence_allowance_family",
    )
    return [
        EntrantSpec(
            receipt_number=receipt,
            priority_round=PRIORITY_ROUND if is_dibao else GENERAL_ROUND,
            masked_name=mask_name(name),
            family_id=family_id,
        )
        for receipt, name, family_id, is_dibao in rows.iterator(chunk_size=5000)
    ]
