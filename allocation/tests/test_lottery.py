"""A lottery as its users meet it: freeze, draw once, publish, verify, void by two people, scope."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from allocation import lottery_algorithm as algorithm
from allocation.models import LotteryState
from allocation.services import (
    EntrantSpec,
    lottery_create,
    lottery_draw,
    lottery_freeze,
    lottery_void_confirm,
    lottery_void_request,
)
from housing.workflow.models import NodeInstance

CITY = "440400000000"
DISTRICT_A = "440402000000"


@pytest.fixture
def second_city_user(make_staff):
    return make_staff("supervisor_b", [("supervisor", CITY)], is_staff=True)


def _specs(n: int) -> list[EntrantSpec]:
    return [
        EntrantSpec(f"SQ-440402-2026-{i:06d}", 1 + (i % 7 == 0), masked_name=f"陈*{i % 10}")
        for i in range(1, n + 1)
    ]


@pytest.fixture
def frozen(city_admin):
    lottery = lottery_create(
        name="2026年第一批公租房摇号", region_code=CITY, actor=city_admin, public_value="3388"
    )
    return lottery_freeze(lottery=lottery, entrants=_specs(60), actor=city_admin)


def test_freezing_publishes_count_and_hash_of_the_canonical_file(frozen):
    assert frozen.state == LotteryState.FROZEN
    assert frozen.entrant_count == 60
    assert frozen.entrant_sha256 == algorithm.sha256_hex(frozen.entrant_file.encode())
    with pytest.raises(ValidationError, match="已锁定"):
        lottery_freeze(lottery=frozen, entrants=_specs(3), actor=frozen.frozen_by)


def test_the_draw_stores_seed_algorithm_and_ranks_and_cannot_run_twice(frozen, city_admin):
    drawn = lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    assert (drawn.seed, drawn.algorithm_version) == ("204815|3388", "HS-LOTTERY-1")
    ranks = list(drawn.results.order_by("rank").values_list("receipt_number", "rank"))
    expected = algorithm.draw(algorithm.parse_entrant_file(drawn.entrant_file.encode()), "204815|3388")
    assert ranks == [(d.receipt_number, d.rank) for d in expected]
    with pytest.raises(ValidationError, match="只能进行一次"):
        lottery_draw(lottery=drawn, event_seed="999999", actor=city_admin)
    assert NodeInstance.objects.filter(opinion__contains="204815|3388").exists()


def test_a_bad_seed_is_refused_and_changes_nothing(frozen, city_admin):
    with pytest.raises(ValidationError) as info:
        lottery_draw(lottery=frozen, event_seed="20 48", actor=city_admin)
    assert "现场种子" in str(info.value)
    frozen.refresh_from_db()
    assert frozen.state == LotteryState.FROZEN and not frozen.results.exists()


def test_voiding_needs_a_second_person(frozen, city_admin, second_city_user):
    drawn = lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    with pytest.raises(ValidationError, match="作废原因"):
        lottery_void_request(lottery=drawn, actor=city_admin, reason=" ")
    lottery_void_request(lottery=drawn, actor=city_admin, reason="现场种子录入有误")
    with pytest.raises(ValidationError, match="另一人复核"):
        lottery_void_confirm(lottery=drawn, actor=city_admin)
    voided = lottery_void_confirm(lottery=drawn, actor=second_city_user)
    assert voided.state == LotteryState.VOIDED and voided.voided_by == second_city_user


def test_a_district_reviewer_cannot_run_a_lottery(district_reviewer, frozen, client):
    with pytest.raises(PermissionDenied):
        lottery_create(name="x", region_code=DISTRICT_A, actor=district_reviewer)
    client.force_login(district_reviewer)
    assert client.get(reverse("allocation:lottery_detail", args=[frozen.pk])).status_code == 403


def test_another_district_cannot_see_a_districts_lottery(make_staff, regions, client):
    xiangzhou = make_staff("xz_city", [("city_centre", DISTRICT_A)], is_staff=True)
    doumen = make_staff("dm_city", [("city_centre", "440403000000")], is_staff=True)
    lottery = lottery_create(name="香洲区摇号", region_code=DISTRICT_A, actor=xiangzhou)
    client.force_login(doumen)
    assert client.get(reverse("allocation:lottery_detail", args=[lottery.pk])).status_code == 404
    client.force_login(xiangzhou)
    assert client.get(reverse("allocation:lottery_detail", args=[lottery.pk])).status_code == 200


def test_back_office_draw_page_shows_errors_beside_the_seed(frozen, city_admin, client):
    client.force_login(city_admin)
    url = reverse("allocation:lottery_draw", args=[frozen.pk])
    page = client.post(url, {"event_seed": "一二三"}).content.decode()
    assert "只能由字母、数字" in page and "is-invalid" in page
    response = client.post(url, {"event_seed": "204815"})
    assert response.status_code == 302
    detail = client.get(reverse("allocation:lottery_detail", args=[frozen.pk])).content.decode()
    assert "204815|3388" in detail and "已摇号" in detail


def test_the_portal_publishes_hash_before_and_masked_results_after_the_draw(frozen, city_admin, client):
    url = reverse("portal:lottery_detail", args=[frozen.number])
    before = client.get(url).content.decode()
    assert frozen.entrant_sha256 in before and "最终种子" not in before
    lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    after = client.get(url).content.decode()
    assert "204815|3388" in after and "陈*1" in after
    found = client.get(url, {"q": "SQ-440402-2026-000007"}).content.decode()
    assert "SQ-440402-2026-000007" in found and "SQ-440402-2026-000008" not in found
    rank = frozen.results.get(receipt_number="SQ-440402-2026-000007").rank
    assert f"<td>{rank}</td>" in found
    unknown = client.get(url, {"q": "SQ-440402-2026-999999"}).content.decode()
    assert "SQ-440402-2026-0000" not in unknown
    assert client.get(reverse("portal:lottery_list")).status_code == 200


def test_a_draft_lottery_is_not_public(city_admin, client):
    lottery = lottery_create(name="未锁定", region_code=CITY, actor=city_admin)
    assert client.get(reverse("portal:lottery_detail", args=[lottery.number])).status_code == 404


def _downloads(client, lottery) -> tuple[bytes, bytes]:
    entrants = client.get(reverse("portal:lottery_entrant_file", args=[lottery.number])).content
    result = b"".join(
        client.get(reverse("portal:lottery_result_file", args=[lottery.number])).streaming_content
    )
    return entrants, result


def test_the_verification_page_confirms_a_real_result_and_rejects_a_tampered_one(frozen, city_admin, client):
    lottery = lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    entrants, result = _downloads(client, lottery)
    assert algorithm.sha256_hex(entrants) == lottery.entrant_sha256
    assert algorithm.sha256_hex(result) == lottery.result_sha256
    url = reverse("portal:lottery_verify")

    def post(result_bytes):
        return client.post(
            url,
            {
                "entrants": SimpleUploadedFile("e.txt", entrants),
                "seed": lottery.seed,
                "result": SimpleUploadedFile("r.txt", result_bytes),
            },
        ).content.decode()

    assert "核验一致：60 户" in post(result)
    lines = result.decode().splitlines(keepends=True)
    lines[4], lines[5] = lines[5], lines[4]
    assert "核验不一致：第 5 行" in post("".join(lines).encode())


def test_the_verify_command_confirms_and_rejects(frozen, city_admin, client, tmp_path):
    lottery = lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    entrants, result = _downloads(client, lottery)
    (tmp_path / "e.txt").write_bytes(entrants)
    (tmp_path / "r.txt").write_bytes(result)
    out = io.StringIO()
    call_command(
        "lottery_verify",
        entrants=str(tmp_path / "e.txt"),
        seed=lottery.seed,
        result=str(tmp_path / "r.txt"),
        stdout=out,
    )
    assert "核验一致" in out.getvalue()
    call_command(
        "lottery_verify",
        entrants=str(tmp_path / "e.txt"),
        seed=lottery.seed,
        lottery=lottery.number,
        stdout=out,
    )
    (tmp_path / "bad.txt").write_bytes(result.replace(b"\t1\t", b"\t2\t", 1))
    with pytest.raises(CommandError, match="核验不一致"):
        call_command(
            "lottery_verify",
            entrants=str(tmp_path / "e.txt"),
            seed=lottery.seed,
            result=str(tmp_path / "bad.txt"),
        )
    with pytest.raises(CommandError, match="种子"):
        call_command(
            "lottery_verify", entrants=str(tmp_path / "e.txt"), seed="000000", lottery=lottery.number
        )


def test_the_portal_shows_the_void_notice(frozen, city_admin, second_city_user, client):
    lottery = lottery_draw(lottery=frozen, event_seed="204815", actor=city_admin)
    lottery_void_request(lottery=lottery, actor=city_admin, reason="公证员未到场")
    lottery_void_confirm(lottery=lottery, actor=second_city_user, opinion="同意")
    page = client.get(reverse("portal:lottery_detail", args=[lottery.number])).content.decode()
    assert "作废公告" in page and "公证员未到场" in page
