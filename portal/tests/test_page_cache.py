"""Anonymous visitors of the public pages get a cached copy for a few seconds; nobody else does."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.content.models import Article
from portal.content.selectors import home_columns

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_home_page(regions):
    """An article shown on the home page, renamed 第一版标题."""
    from portal.content.demo import seed_demo_content

    seed_demo_content()
    article = next(article for _column, articles in home_columns() for article in articles)
    Article.objects.filter(pk=article.pk).update(title="第一版标题")
    return article.pk


def _rename(pk: int) -> None:
    Article.objects.filter(pk=pk).update(title="第二版标题")


def test_an_anonymous_visitor_gets_the_same_copy_within_the_seconds_set(page_cache, on_home_page, client):
    assert "第一版标题" in client.get("/").content.decode()
    _rename(on_home_page)
    assert "第一版标题" in client.get("/").content.decode()  # the copy, not the database
    cache.clear()  # what the seconds running out do
    assert "第二版标题" in client.get("/").content.decode()


def test_a_signed_in_visitor_always_gets_the_page_as_it_is_now(page_cache, on_home_page, client, citizen):
    client.get("/")  # an anonymous copy exists now
    _rename(on_home_page)
    client.force_login(citizen)
    assert "第二版标题" in client.get("/").content.decode()


def test_with_no_seconds_set_nothing_is_kept(settings, on_home_page, client):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    client.get("/")
    _rename(on_home_page)
    assert "第二版标题" in client.get("/").content.decode()


def test_a_page_that_sets_a_cookie_is_never_kept(page_cache, client, regions):
    first = client.get("/portal/login/")  # not a public page, and it sets the CSRF cookie
    assert first.status_code == 200
    client.cookies.clear()
    from portal.page_cache import _eligible

    assert not _eligible(first.wsgi_request)
