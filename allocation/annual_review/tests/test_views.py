"""The back-office pages: the run button, region scope with 404 outside, bounded queries, the decision form."""

from __future__ import annotations

from django.urls import reverse

from allocation.annual_review.models import AnnualReview, AnnualReviewDecision, AnnualReviewState
from allocation.annual_review.services import annual_review_run

from .conftest import DISTRICT_B_COMMUNITY

CITY = "440400000000"


def test_run_button_creates_the_years_reviews_and_a_second_press_adds_nothing(
    client, guaranteed, city_admin, django_capture_on_commit_callbacks
):
    guaranteed()
    client.force_login(city_admin)
    page = client.get(reverse("allocation:annual_review_list")).content.decode()
    assert 'data-testid="annual-review-run"' in page
    url = reverse("allocation:annual_review_run")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"year": "2026", "region_code": CITY}).status_code == 302
    assert AnnualReview.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": "2026", "region_code": CITY})
    assert AnnualReview.objects.count() == 1
    response = client.post(url, {"year": "二〇二六", "region_code": CITY})
    assert response.status_code == 200 and "二〇二六" in response.content.decode()
    assert AnnualReview.objects.count() == 1


def test_district_user_sees_only_own_district_reviews_and_404_outside(
    client, guaranteed, district_reviewer, other_district_reviewer
):
    own = guaranteed()
    other = guaranteed(region_code=DISTRICT_B_COMMUNITY)
    annual_review_run(year=2026, region_code=CITY, actor=None)
    review_a = AnnualReview.objects.get(registry_entry=own)
    review_b = AnnualReview.objects.get(registry_entry=other)
    client.force_login(district_reviewer)
    page = client.get(reverse("allocation:annual_review_list")).content.decode()
    assert review_a.number in page and review_b.number not in page
    assert 'data-testid="annual-review-run"' not in page  # the district only looks
    assert client.get(reverse("allocation:annual_review_detail", args=[review_b.pk])).status_code == 404
    detail = client.get(reverse("allocation:annual_review_detail", args=[review_a.pk]))
    assert detail.status_code == 200 and 'name="opinion"' not in detail.content.decode()
    client.force_login(other_district_reviewer)
    assert client.get(reverse("allocation:annual_review_detail", args=[review_a.pk])).status_code == 404


def test_street_caseworker_without_permission_gets_403(client, street_caseworker):
    client.force_login(street_caseworker)
    assert client.get(reverse("allocation:annual_review_list")).status_code == 403


def test_list_query_count_does_not_grow_with_rows(
    client, guaranteed, city_admin, django_assert_max_num_queries
):
    entries = [guaranteed() for _ in range(3)]
    annual_review_run(year=2026, region_code=CITY, actor=None)
    # many more rows, cheaply: copies of the same families in other years
    AnnualReview.objects.bulk_create(
        AnnualReview(number=f"NS{year}{e.pk:010d}", year=year, deadline=f"{year}-12-31", region_code=e.region_code,
                     registry_entry=e, project_code="lianzu", mode_code="rent_subsidy",
                     check_problems=["不动产登记显示家庭在本市已有住房"])
        for year in range(2000, 2020) for e in entries
    )  # fmt: skip
    client.force_login(city_admin)
    url = reverse("allocation:annual_review_list")
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200 and "不动产登记显示家庭在本市已有住房" in response.content.decode()


def test_decision_form_keeps_input_on_error_and_saves_with_opinion(client, guaranteed, mirror, city_admin):
    entry = guaranteed()
    mirror(entry, "real_estate", address="香洲区凤凰路1号")
    annual_review_run(year=2026, region_code=CITY, actor=None)
    review = AnnualReview.objects.get()
    url = reverse("allocation:annual_review_detail", args=[review.pk])
    client.force_login(city_admin)
    page = client.get(url).content.decode()
    assert "不动产登记显示家庭在本市已有住房（香洲区凤凰路1号）" in page
    response = client.post(url, {"decision": "exit", "opinion": "已购房", "exit_reason": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "退出须填写退出原因" in body and "已购房" in body
    assert AnnualReview.objects.get().state == AnnualReviewState.PENDING
    response = client.post(url, {"decision": "exit", "opinion": "已购房", "exit_reason": "本市购房"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.decision == AnnualReviewDecision.EXIT and review.exit_reason == "本市购房"
    page = client.get(url).content.decode()
    assert "退出手续由保障退出办理" in page


def test_pages_show_project_and_mode_names_not_codes(client, guaranteed, city_admin):
    entry = guaranteed(project="lianzu", mode="rent_subsidy")
    annual_review_run(year=2026, region_code=CITY, actor=None)
    review = AnnualReview.objects.get()
    client.force_login(city_admin)
    listing = client.get(reverse("allocation:annual_review_list")).content.decode()
    assert "租赁补贴" in listing and ">rent_subsidy<" not in listing
    # the run form: regions by name within the user's scope, modes by name
    assert "珠海市" in listing and 'name="region_code"' in listing and "<select" in listing
    assert '<option value="rental_in_kind">实物配租' in listing or "实物配租" in listing
    detail = client.get(review.get_absolute_url()).content.decode()
    assert "廉租住房 / 租赁补贴" in detail and "lianzu" not in detail
    case = client.get(reverse("admission:application_detail", args=[entry.application_id])).content.decode()
    assert "廉租住房" in case and ">lianzu<" not in case and ">rent_subsidy<" not in case


def test_run_form_offers_only_regions_in_the_users_scope(district_reviewer):
    from allocation.annual_review.forms import RunForm

    form = RunForm({"year": "2026", "region_code": CITY}, user=district_reviewer)
    codes = [code for code, _label in form.fields["region_code"].choices]
    prefixes = tuple(district_reviewer.scope_prefixes)
    assert codes and all(code.startswith(prefixes) for code in codes) and CITY not in codes
    assert not form.is_valid() and "region_code" in form.errors
