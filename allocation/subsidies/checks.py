"""Automatic checks before a family is paid (issue 8 part 3), set-based over one chunk of agreements.

They read the department mirror (``housing.exchange``) the way its ``MirrorAdapter`` does — by the keyed
ID digest, the newest extract of a dataset being the department's current statement — but for a whole
chunk of families in one query per dataset instead of one query per person. Mirror rows carry no region.
A dataset the city has not set up is reported as 未核查 and holds nobody (nothing to contradict).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from admission.checks.compare import talent_records_valid
from admission.models import FamilyMember, MemberStatus
from housing.exchange.models import Dataset, MirrorRecord

from ..contracts.models import Contract, ContractKind, ContractState

CHECKED_DATASETS = ("real_estate", "social_insurance", "talent")
MAX_MONTHS_BASIS_NAME = "累计发放月数上限"
CHECK_LABELS = {
    "real_estate": "本市住房",
    "social_insurance": "本市社保",
    "talent": "人才名单",
    "other_benefit": "其他住房保障",
    "months_limit": "累计月数",
}


@dataclass
class CheckOutcome:
    results: list[dict] = field(default_factory=list)
    hold_reasons: list[str] = field(default_factory=list)

    def add(self, code: str, label: str, passed: bool | None, detail: str) -> None:
        # Compact (a 100,000-row run writes this per row): a passed check keeps no text, its label
        # comes from CHECK_LABELS when shown.
        outcome = "未核查" if passed is None else ("通过" if passed else "不通过")
        self.results.append(
            {"code": code, "outcome": outcome, **({"detail": detail} if passed is not True else {})}
        )
        if passed is False:
            self.hold_reasons.append(detail)


def _newest(codes: tuple[str, ...], digests: set[str]) -> dict[tuple[str, str], list[dict]]:
    """(dataset code, digest) → the values of that person's newest extract in the mirror."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    newest: dict[tuple[str, str], datetime.date] = {}
    rows = (
        MirrorRecord.objects.filter(dataset__code__in=codes, id_number_digest__in=digests)
        .values_list("dataset__code", "id_number_digest", "source_date", "values")
        .order_by("-source_date", "-id")
    )
    for code, digest, source_date, values in rows.iterator(chunk_size=2000):
        key = (code, digest)
        if newest.setdefault(key, source_date) == source_date:
            found[key].append(values or {})
    return found


def _max_months(agreement: Contract) -> int | None:
    for line in agreement.amount_basis or []:
        if line.get("name") == MAX_MONTHS_BASIS_NAME and str(line.get("value") or "").strip():
            try:
                return int(str(line["value"]).split(".")[0])
            except ValueError:
                return None
    return None


def run_checks(
    agreements: list[Contract],
    *,
    period_start: datetime.date,
    months_received: dict[int, int],
    ignore_contract_ids: Collection[int] = (),
) -> dict[int, CheckOutcome]:
    """One outcome per agreement id; ``months_received`` maps registry entry id → months already due.

    ``ignore_contract_ids``: contracts that are the benefit under review itself (an in-kind family's own
    lease at its 年审) and so are not "another" housing benefit.
    """
    active = set(
        Dataset.objects.filter(code__in=CHECKED_DATASETS, is_active=True).values_list("code", flat=True)
    )
    entries = {a.registry_entry_id: a.registry_entry for a in agreements}
    members: dict[int, list[str]] = defaultdict(list)  # family id → active members' digests
    for family_id, digest in FamilyMember.objects.filter(
        family_id__in={e.family_id for e in entries.values()}, status=MemberStatus.ACTIVE
    ).values_list("family_id", "id_number_digest"):
        if digest:
            members[family_id].append(digest)
    digests = {e.id_number_digest for e in entries.values()} | {d for ds in members.values() for d in ds}
    mirror = _newest(tuple(active), digests) if active else {}
    other_benefits: dict[str, list[str]] = defaultdict(list)
    for digest, number, kind in (
        Contract.objects.filter(
            state=ContractState.SIGNED,
            registry_entry__id_number_digest__in={e.id_number_digest for e in entries.values()},
        )
        .exclude(kind=ContractKind.RENT_SUBSIDY)
        .exclude(pk__in=list(ignore_contract_ids))
        .values_list("registry_entry__id_number_digest", "number", "kind")
    ):
        other_benefits[digest].append(f"{ContractKind(kind).label}（{number}）")

    t = _texts()
    outcomes: dict[int, CheckOutcome] = {}
    for agreement in agreements:
        entry = entries[agreement.registry_entry_id]
        outcome = CheckOutcome()
        family_digests = {entry.id_number_digest, *members.get(entry.family_id, [])}
        if "real_estate" in active:
            owned = [v for d in family_digests for v in mirror.get(("real_estate", d), [])]
            addresses = "、".join(str(v.get("address") or "") for v in owned if v.get("address"))
            outcome.add(
                "real_estate",
                t["real_estate"],
                not owned,
                t["real_estate_owned"] % {"where": addresses or t["address_unknown"]}
                if owned
                else t["real_estate_none"],
            )
        else:
            outcome.add("real_estate", t["real_estate"], None, t["real_estate_unchecked"])
        if "social_insurance" in active:
            insured = mirror.get(("social_insurance", entry.id_number_digest), [])
            stopped = bool(insured) and all(v.get("is_active") is False for v in insured)
            outcome.add(
                "social_insurance",
                t["social_insurance"],
                not stopped,
                t["social_insurance_stopped"] if stopped else t["social_insurance_ok"],
            )
        else:
            outcome.add("social_insurance", t["social_insurance"], None, t["social_insurance_unchecked"])
        if entry.special_group == "talent":
            if "talent" in active:
                valid = talent_records_valid(
                    [{"values": v} for v in mirror.get(("talent", entry.id_number_digest), [])], period_start
                )
                outcome.add("talent", t["talent"], bool(valid), t["talent_ok"] if valid else t["talent_gone"])
            else:
                outcome.add("talent", t["talent"], None, t["talent_unchecked"])
        others = other_benefits.get(entry.id_number_digest, [])
        outcome.add(
            "other_benefit",
            t["other_benefit"],
            not others,
            t["other_benefit_found"] % {"what": "、".join(others)} if others else t["other_benefit_none"],
        )
        limit = _max_months(agreement)
        if limit is not None:
            received = months_received.get(entry.pk, 0)
            outcome.add(
                "months_limit",
                t["months_limit"],
                received < limit,
                (t["months_reached"] if received >= limit else t["months_counted"])
                % {"n": received, "limit": limit},
            )
        outcomes[agreement.pk] = outcome
    return outcomes


def _texts() -> dict[str, str]:
    """Every label and message of the checks, translated once per chunk: the same few texts for every
    family, and looking each up again (six times a family) was a fifth of the checks' time."""
    return {
        "real_estate": _("本市住房"),
        "real_estate_owned": _("不动产登记显示家庭在本市已有住房（%(where)s），需复核是否仍符合补贴条件。"),
        "address_unknown": _("坐落未登记"),
        "real_estate_none": _("不动产登记中无本市住房。"),
        "real_estate_unchecked": _("未接入不动产数据，未核查。"),
        "social_insurance": _("本市社保"),
        "social_insurance_stopped": _("社保数据显示申请人已停止在本市参保，需复核是否仍在本市工作。"),
        "social_insurance_ok": _("社保数据未显示停保。"),
        "social_insurance_unchecked": _("未接入社保数据，未核查。"),
        "talent": _("人才名单"),
        "talent_gone": _("人才名单中已无申请人的有效认定。"),
        "talent_ok": _("仍在人才名单内。"),
        "talent_unchecked": _("未接入人才名单数据，未核查。"),
        "other_benefit": _("其他住房保障"),
        "other_benefit_found": _("同时享受其他住房保障：%(what)s。"),
        "other_benefit_none": _("未享受其他住房保障。"),
        "months_limit": _("累计月数"),
        "months_reached": _("累计已领取%(n)s个月，已达规则规定的上限%(limit)s个月。"),
        "months_counted": _("累计已领取%(n)s个月，上限%(limit)s个月。"),
    }
