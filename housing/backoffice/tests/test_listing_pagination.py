"""List pages never count a huge scoped set row by row: past a cap they say "超过 N 条"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import STREET_A1, STREET_A2
from housing.accounts.models import Organisation, OrganisationKind
from housing.backoffice.listing import CappedCountPaginator
from housing.backoffice.views import OrganisationListView
from housing.regions.models import Region


@pytest.fixture
def many_organisations(regions):
    for index in range(6):
        code = STREET_A1 if index % 2 else STREET_A2
        Organisation.objects.create(
            code=f"BULK-{index}", name=f"批量机构{index}", kind=OrganisationKind.OTHER, region=regions[code]
        )


def test_paginator_counts_exactly_below_the_cap(regions):
    paginator = CappedCountPaginator(Region.objects.order_by("code"), 10, count_cap=1000)
    assert paginator.count == Region.objects.count()
    assert not paginator.is_capped


def test_paginator_stops_counting_past_the_cap_and_says_so(regions):
    paginator = CappedCountPaginator(Region.objects.order_by("code"), 10, count_cap=25)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 25
    assert paginator.is_capped
    assert paginator.num_pages == 3
    (count_sql,) = [q["sql"] for q in queries.captured_queries]
    # Bounded, and without the ORDER BY that would force a sort of every matching row.
    assert "LIMIT 26" in count_sql
    assert "ORDER BY" not in count_sql


def test_list_page_shows_an_honest_lower_bound_past_the_cap(
    client, city_admin, many_organisations, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(OrganisationListView, "count_cap", 3)
    monkeypatch.setattr(OrganisationListView, "paginate_by", 2)
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):  # session, user, scope, menu, count, page: not per row
        page = client.get("/office/organisations/").content.decode()
    assert "超过 3 条，第 1 页" in page
    assert "共 3 条" not in page
    # Pages up to the cap are reachable; past it there is nothing to page to.
    assert client.get("/office/organisations/?page=2").status_code == 200
    assert client.get("/office/organisations/?page=3").status_code == 404


def test_list_page_shows_the_exact_total_below_the_cap(client, city_admin, many_organisations, monkeypatch):
    monkeypatch.setattr(OrganisationListView, "paginate_by", 2)
    client.force_login(city_admin)
    page = client.get("/office/organisations/").content.decode()
    total = Organisation.objects.count()
    assert f"共 {total} 条，第 1/{(total + 1) // 2} 页" in page
    assert "超过" not in page
