"""Benchmark: 选房 under 50 concurrent pickers — latency of each pick (target p95 under 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench_selection .venv/bin/python bench/selection.py

Migrates the database named in DATABASE_URL (its name must contain "bench"), registers 50 families on the
公租房 waitlist and a city-centre user, then for ``--runs`` fresh sessions of 10 new 已交付 units: calls all
50 families and lets 50 processes (each with its own PostgreSQL connection, as web workers have) pick at
once through ``selection_pick`` — the service the operator desk calls. Each family first clicks a unit of
the board as it stood when the session opened; a picker refused with “该房源已被选定” reads the units still
free and picks again, as a family would, until it has one or none are left. The pick's history, audit and workflow rows, which the pick queues as a Celery job after commit,
are written after the timing (a worker's work in production). Every attempt is timed (success or refusal); the script prints p50 / p95 / max per pick and checks
that no unit was given twice.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from building_table import create_database_if_missing, setup_django  # noqa: E402

TARGET_MS = 100.0
CITY, DISTRICT, COMMUNITY = "440400000000", "440402000000", "440402001001"


def prepare(pickers: int):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from admission.applications import application_create
    from admission.models import Application, ApplicationState
    from admission.registry.models import GuaranteeStatus, RegistryEntry
    from admission.registry.services import registry_entry_create
    from admission.tests.factories import make_family
    from housing.accounts.models import Organisation, OrganisationKind, User
    from housing.accounts.services import role_assign
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo
    from rules.defaults import rules_seed_defaults

    if not Region.objects.filter(code=CITY).exists():
        regions_load_demo()
    rules_seed_defaults()
    user = User.objects.filter(username="bench_selection").first()
    if user is None:
        organisation, _ = Organisation.objects.get_or_create(
            code="ORG-BENCH-CITY",
            defaults={
                "name": "市住房保障中心",
                "kind": OrganisationKind.OTHER,
                "region": Region.objects.get(code=CITY),
            },
        )
        user = User.objects.create_user(
            username="bench_selection",
            password="Bench@Pass1",
            real_name="压测选房",
            organisation=organisation,
        )
        role_assign(user=user, role_code="city_centre", region_code=CITY)
    user = User.objects.get(pk=user.pk)
    families = list(
        RegistryEntry.objects.filter(
            applicant_name__startswith="压测家庭", status=GuaranteeStatus.WAITING
        ).order_by("pk")[:pickers]
    )
    for i in range(len(families), pickers):
        family = make_family(actor=user, region_code=COMMUNITY, name=f"压测家庭{i:03d}")
        application = application_create(
            family=family, project_code="gongzu", mode_code="rental_in_kind", actor=user
        )
        Application.objects.filter(pk=application.pk).update(
            state=ApplicationState.REGISTERED, decided_at=timezone.now()
        )
        families.append(
            registry_entry_create(application=Application.objects.get(pk=application.pk), actor=user)
        )
    return user, families


def run_once(
    user, families, units_n: int, seed: int, mode: str, spread: float = 0.0
) -> tuple[list[float], int]:
    from django.core.exceptions import ValidationError
    from django.db import connection, connections
    from django.utils import timezone

    from allocation.selection.models import AllocationOrder, PickState, SelectionPick
    from allocation.selection.services import (
        UNIT_TAKEN,
        selection_call_next,
        selection_pick,
        selection_session_create,
        selection_session_start,
    )
    from housing.accounts.models import User
    from projects.models import Unit, UnitState
    from projects.tests.factories import make_building, make_project

    tag = uuid.uuid4().hex[:10].upper()  # the database is kept between invocations
    building = make_building(
        project=make_project(region_code=DISTRICT, number=f"XM-BENCH-{tag}"),
        floors=2,
        per_floor=units_n // 2 + units_n % 2,
        state=UnitState.DELIVERED,
        number=f"B-BENCH-{tag}",
    )
    units = list(Unit.objects.filter(building=building).order_by("number")[:units_n])
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(rooms=1)
    units = list(Unit.objects.filter(pk__in=[u.pk for u in units]))
    session = selection_session_create(
        name="压测选房", region_code=CITY, project_code="gongzu", mode_code="rental_in_kind", units=units,
        families=families, actor=user, starts_at=timezone.now(), families_per_slot=len(families),
    )  # fmt: skip
    session = selection_session_start(session=session, actor=user)
    orders = [selection_call_next(session=session, actor=user).pk for _ in families]
    unit_ids = [u.pk for u in units]
    from allocation.selection import services as selection_services
    from allocation.selection.services import selection_pick_record

    def picker(order_id: int, index: int, barrier, results) -> None:
        """One family at one desk: its own process and PostgreSQL connection (a web worker in production)."""
        rng = random.Random(seed * 1000 + index)
        timings: list[float] = []
        deferred: list[tuple[int, int, str]] = []
        unexpected: list[str] = []
        # The pick's history, audit and workflow rows are a Celery job queued after commit; a worker
        # writes them in production, so here the job is collected and written after the timing.
        selection_services._queue_pick_record = lambda *job: deferred.append(job)
        try:
            actor = User.objects.get(pk=user.pk)
            # As the desk view loads it (selection_order_get_for_user): with its session.
            order = AllocationOrder.objects.select_related("session").get(pk=order_id)
            actor.has_perm("allocation.run_selection")  # warm the permission cache, as a logged-in desk has
            # A web worker's persistent connection (CONN_MAX_AGE) has served requests before: one pick of
            # a unit outside the session warms this connection's catalogue caches and changes nothing.
            try:
                selection_pick(order=order, unit=Unit(pk=0), actor=actor)
            except ValidationError:
                pass
            barrier.wait(timeout=300)
            # --spread: the families click within that many seconds of each other rather than at one
            # instant (0 = all at once, the worst case).
            time.sleep(rng.uniform(0, spread))

            def still_free() -> list[int]:
                return list(
                    Unit.objects.filter(pk__in=unit_ids, state=UnitState.DELIVERED).values_list(
                        "pk", flat=True
                    )
                )

            # At the same instant every family chooses from the board as it stood when the session
            # opened (all units free); a family that clicks later, or is refused, reads what is left.
            free = still_free() if spread else list(unit_ids)
            while True:
                if not free:
                    break
                started = time.perf_counter()
                try:
                    selection_pick(order=order, unit=Unit(pk=rng.choice(free)), actor=actor)
                    ok = True
                except ValidationError as exc:
                    ok = False
                    if UNIT_TAKEN not in " ".join(exc.messages):
                        unexpected.append(" ".join(exc.messages))
                        break
                finally:
                    timings.append((time.perf_counter() - started) * 1000)
                if ok:
                    break
                free = still_free()
        finally:
            connection.close()
            results.put((timings, deferred, unexpected))

    context = multiprocessing.get_context("fork" if mode == "processes" else "spawn")
    connections.close_all()  # each forked picker opens its own connection
    if mode == "processes":
        barrier, results = context.Barrier(len(orders)), context.Queue()
        workers = [
            context.Process(target=picker, args=(pk, i, barrier, results)) for i, pk in enumerate(orders)
        ]
    else:
        barrier, results = threading.Barrier(len(orders)), queue.Queue()
        workers = [
            threading.Thread(target=picker, args=(pk, i, barrier, results)) for i, pk in enumerate(orders)
        ]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    timings = [t for run_timings, _d, _u in collected for t in run_timings]
    unexpected = [u for _t, _d, run_unexpected in collected for u in run_unexpected]
    for _t, deferred, _u in collected:
        for pick_id, _actor_id, ip, request_id in deferred:
            selection_pick_record(pick_id=pick_id, actor=user, ip=ip, request_id=request_id)
    if unexpected:
        sys.exit(f"unexpected answers: {unexpected[:3]}")
    picked = list(
        SelectionPick.objects.filter(session=session, state=PickState.ACTIVE).values_list(
            "unit_id", flat=True
        )
    )
    if len(picked) != len(set(picked)) or len(picked) != units_n:
        sys.exit(f"WRONG: {len(picked)} picks for {len(set(picked))} units")
    return timings, len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pickers", type=int, default=50)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which the pickers' first clicks are spread (0 = all at the same instant)",
    )
    parser.add_argument(
        "--mode",
        choices=["processes", "threads"],
        default="processes",
        help="pickers as processes or threads",
    )
    args = parser.parse_args()
    setup_django()
    create_database_if_missing()
    user, families = prepare(args.pickers)
    timings: list[float] = []
    for run in range(args.runs):
        run_timings, picked = run_once(user, families, args.units, run, args.mode, args.spread)
        timings += run_timings
        print(f"  run {run + 1}: {len(run_timings)} pick attempts, {picked} units allocated once each")
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    print(
        f"选房 {args.pickers} concurrent pickers ({args.mode}) on {args.units} units, {args.runs} runs, first clicks spread over {args.spread:g} s (PostgreSQL)"
    )
    print(
        f"  per pick: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"(target p95 < {TARGET_MS:.0f} ms)"
    )
    print(f"  {'OK' if p95 < TARGET_MS else 'OVER TARGET'}")
    winners, losers = one_at_a_time(user, families, args.units)
    print(
        f"  one picker at a time (service time): success p50 {statistics.median(winners):.1f} ms, "
        f"refusal p50 {statistics.median(losers):.1f} ms"
    )
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")


def one_at_a_time(user, families, units_n: int) -> tuple[list[float], list[float]]:
    """The same picks without concurrency: what one pick costs the server when nobody else is picking."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from allocation.selection import services as selection_services
    from allocation.selection.services import (
        selection_call_next,
        selection_pick,
        selection_session_create,
        selection_session_start,
    )
    from projects.models import Unit, UnitState
    from projects.tests.factories import make_building, make_project

    tag = uuid.uuid4().hex[:10].upper()
    building = make_building(
        project=make_project(region_code=DISTRICT, number=f"XM-BENCH-{tag}"),
        floors=1,
        per_floor=units_n,
        state=UnitState.DELIVERED,
        number=f"B-BENCH-{tag}",
    )
    Unit.objects.filter(building=building).update(rooms=1)
    units = list(Unit.objects.filter(building=building))
    session = selection_session_create(
        name="压测选房（逐户）", region_code=CITY, project_code="gongzu", mode_code="rental_in_kind", units=units,
        families=families[: 2 * units_n], actor=user, starts_at=timezone.now(), families_per_slot=2 * units_n,
    )  # fmt: skip
    session = selection_session_start(session=session, actor=user)
    orders = [selection_call_next(session=session, actor=user) for _ in range(2 * units_n)]
    jobs: list = []
    queue_job = selection_services._queue_pick_record
    selection_services._queue_pick_record = lambda *job: jobs.append(job)
    winners, losers = [], []
    for index, order in enumerate(orders):
        started = time.perf_counter()
        try:
            selection_pick(order=order, unit=units[index % units_n], actor=user)
        except ValidationError:
            losers.append((time.perf_counter() - started) * 1000)
        else:
            winners.append((time.perf_counter() - started) * 1000)
    selection_services._queue_pick_record = queue_job
    for pick_id, _actor_id, ip, request_id in jobs:
        selection_services.selection_pick_record(pick_id=pick_id, actor=user, ip=ip, request_id=request_id)
    return winners, losers


if __name__ == "__main__":
    main()
