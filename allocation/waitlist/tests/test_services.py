"""Refusals counted, removal at the limit with a notice, positions consistent after a removal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from admission.registry.models import GuaranteeStatus, RegistryEntry, WaitlistEntry, WaitlistStatus
from admission.registry.selectors import waitlist_positions
from admission.registry.services import registry_entry_start_guarantee
from allocation.waitlist.models import WaitlistEvent, WaitlistEventKind, WaitlistRefusal
from allocation.waitlist.selectors import waitlist_position_summary
from allocation.waitlist.services import (
    REFUSAL_TEMPLATE,
    REMOVED_TEMPLATE,
    waitlist_event_record,
    waitlist_refusal_record,
    waitlist_withdraw,
)
from housing.notify.models import Message

pytestmark = pytest.mark.django_db


def _positions(entries) -> list[int | None]:
    fresh = {e.pk: e for e in WaitlistEntry.objects.filter(pk__in=[e.pk for e in entries])}
    positions = waitlist_positions([pk for pk, e in fresh.items() if e.status == WaitlistStatus.WAITING])
    return [positions.get(e.pk) for e in entries]


def test_each_refusal_is_counted_and_the_family_is_told_how_many_remain(make_waiting, city_admin):
    entry = make_waiting("黄拒绝")
    first = waitlist_refusal_record(entry=entry, actor=city_admin, reason="嫌楼层太高", source="XF-2026-001")
    second = waitlist_refusal_record(entry=entry, actor=city_admin, reason="", kind="absent")
    assert (first.sequence, first.caused_removal, second.sequence, second.caused_removal) == (
        1,
        False,
        2,
        False,
    )
    assert second.reason == "缺席或逾期未选" and first.source == "XF-2026-001"
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    sms = Message.objects.filter(template_code=REFUSAL_TEMPLATE, channel="sms").order_by("pk")
    assert (
        sms.count() == 2 and "第2次缺席或逾期未选已记录" in sms.last().body and "累计3次" in sms.last().body
    )


def test_three_refusals_remove_the_family_with_a_notice_and_a_readable_reason(
    make_waiting, city_admin, citizen
):
    from .conftest import CITIZEN_ID

    entry = make_waiting("李市民", id_number=CITIZEN_ID)
    for reason in ("面积太小", "离工作地点远"):
        waitlist_refusal_record(entry=entry, actor=city_admin, reason=reason)
    third = waitlist_refusal_record(entry=entry, actor=city_admin, reason="不愿入住", source="XF-2026-003")
    assert third.caused_removal and third.sequence == 3
    entry.refresh_from_db()
    registry = RegistryEntry.objects.get(pk=entry.registry_entry_id)
    assert entry.status == WaitlistStatus.LEFT and entry.status_changed_at == third.recorded_at
    assert registry.status == GuaranteeStatus.EXITED and "累计3次拒绝选房或缺席" in registry.exit_reason
    event = WaitlistEvent.objects.get(entry=entry)
    assert event.kind == WaitlistEventKind.REMOVED and event.actor == city_admin
    site = Message.objects.get(template_code=REMOVED_TEMPLATE, channel="site")
    assert site.recipient == citizen and "退出轮候" in site.subject and "不愿入住" in site.body
    assert Message.objects.filter(
        template_code=REMOVED_TEMPLATE, channel="sms", address=registry.phone
    ).exists()
    with pytest.raises(ValidationError, match="不在轮候中"):
        waitlist_refusal_record(entry=entry, actor=city_admin, reason="再次拒绝")
    assert WaitlistRefusal.objects.filter(entry=entry).count() == 3


def test_the_limit_comes_from_the_settings(make_waiting, city_admin, settings):
    settings.ALLOCATION_REFUSAL_LIMIT = 2
    entry = make_waiting("黄拒绝")
    waitlist_refusal_record(entry=entry, actor=city_admin, reason="放弃")
    assert waitlist_refusal_record(entry=entry, actor=city_admin, reason="放弃", kind="absent").caused_removal
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT


def test_positions_move_up_by_one_after_a_removal_and_stay_consistent(four_families, city_admin, settings):
    settings.ALLOCATION_REFUSAL_LIMIT = 2
    assert _positions(four_families) == [1, 2, 3, 4]
    removed = four_families[1]
    for _ in range(2):
        waitlist_refusal_record(entry=removed, actor=city_admin, reason="拒绝选房")
    positions = _positions(four_families)
    assert positions == [1, None, 2, 3]
    waiting = [p for p in positions if p is not None]
    assert sorted(waiting) == list(range(1, len(waiting) + 1))  # no gaps, no duplicates
    last = WaitlistEntry.objects.get(pk=four_families[3].pk)
    summary = waitlist_position_summary(entry=last)
    assert summary.position == 3 and summary.total_waiting == 3
    assert summary.left_ahead[WaitlistEventKind.REMOVED] == 1 and summary.left_total == 1
    assert summary.position_at_since == 4 and summary.joined_ahead == 0
    assert "1 户因多次拒绝被移出" in summary.left_sentence
    first = WaitlistEntry.objects.get(pk=four_families[0].pk)
    assert waitlist_position_summary(entry=first).left_total == 0  # nobody ahead of the first left


def test_housed_and_withdrawn_families_ahead_are_told_apart(four_families, city_admin):
    housed, withdrawn, _, last = four_families
    registry_entry_start_guarantee(entry=housed.registry_entry, actor=city_admin)  # no event: from its status
    waitlist_withdraw(entry=withdrawn, actor=city_admin, reason="申请人书面申请放弃轮候")
    summary = waitlist_position_summary(entry=WaitlistEntry.objects.get(pk=last.pk))
    assert summary.position == 2 and summary.position_at_since == 4
    assert summary.left_ahead[WaitlistEventKind.HOUSED] == 1
    assert summary.left_ahead[WaitlistEventKind.WITHDREW] == 1
    assert "1 户已配租配售，1 户撤回申请" in summary.left_sentence
    with pytest.raises(ValidationError, match="不在轮候中"):
        waitlist_withdraw(entry=withdrawn, actor=city_admin, reason="再撤")


def test_a_family_placed_ahead_later_is_explained(make_waiting, city_admin):
    early = make_waiting("陈翠香")
    dibao = make_waiting("黄低保", is_subsistence_allowance_family=True, subsistence_certificate_number="DB1")
    summary = waitlist_position_summary(entry=WaitlistEntry.objects.get(pk=early.pk))
    assert (summary.position, summary.position_at_since, summary.joined_ahead) == (2, 1, 1)
    assert "1 户在您之后登记" in summary.joined_sentence
    assert waitlist_position_summary(entry=dibao).position == 1


def test_only_staff_in_scope_with_the_permission_record_refusals(
    make_waiting, other_district_reviewer, district_reviewer
):
    entry = make_waiting("陈翠香")
    with pytest.raises(PermissionDenied):
        waitlist_refusal_record(entry=entry, actor=other_district_reviewer, reason="拒绝")
    with pytest.raises(PermissionDenied):
        waitlist_refusal_record(entry=entry, actor=district_reviewer, reason="拒绝")  # reads only
    assert not WaitlistRefusal.objects.exists()


def test_an_unknown_kind_is_refused_with_a_message(make_waiting, city_admin):
    entry = make_waiting("陈翠香")
    with pytest.raises(ValidationError) as info:
        waitlist_refusal_record(entry=entry, actor=city_admin, reason="x", kind="maybe")
    assert "拒绝类别" in str(info.value)
    with pytest.raises(ValidationError):
        waitlist_event_record(entry=entry, kind="moved", actor=city_admin)
