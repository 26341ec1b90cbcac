"""内容管理: what a citizen sees of the articles the city centre writes, publishes, schedules and withdraws."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import CITY, DISTRICT_B
from housing.archive.tests.conftest import pdf_bytes, upload
from portal.content.demo import seed_demo_content
from portal.content.models import Article, ArticleState, ContentColumn
from portal.content.services import article_publish, article_save, article_withdraw, clean_html

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def policy():
    return ContentColumn.objects.get(code="policy")


def _article(
    actor,
    column,
    *,
    title="公共租赁住房管理办法",
    body="<p>申请租赁补贴的家庭应当按月申报。</p>",
    region=CITY,
):
    return article_save(actor=actor, column=column, title=title, body_html=body, region_code=region)


def test_the_six_columns_exist_after_migrate():
    names = list(ContentColumn.objects.values_list("name", flat=True))
    assert names == ["通知公告", "政策法规", "政策解读", "工作动态", "办事指南", "执法监督"]


def test_scripts_handlers_and_javascript_links_are_removed_on_save(city_admin, policy):
    article = _article(
        city_admin,
        policy,
        body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a>'
        '<a href="https://www.gov.cn/">政府网</a><img src=x onerror=alert(3)><iframe src="//evil"></iframe></p>',
    )
    stored = Article.objects.get(pk=article.pk).body_html
    for bad in ("script", "onclick", "javascript:", "onerror", "<img", "iframe"):
        assert bad not in stored
    assert "正文" in stored and 'href="https://www.gov.cn/"' in stored and "noopener" in stored
    assert clean_html('<p class="ql-align-center evil">居中</p>') == '<p class="ql-align-center">居中</p>'


def test_a_draft_is_not_public_and_a_published_article_is(city_admin, policy, client):
    article = _article(city_admin, policy)
    url = reverse("portal:content_article", args=[article.pk])
    assert client.get(url).status_code == 404
    article_publish(article=article, actor=city_admin)
    page = client.get(url).content.decode()
    assert "公共租赁住房管理办法" in page and "按月申报" in page
    column = client.get(reverse("portal:content_column", args=["policy"])).content.decode()
    assert "公共租赁住房管理办法" in column
    assert "公共租赁住房管理办法" in client.get(reverse("portal:home")).content.decode()


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(city_admin, policy, client):
    article = _article(city_admin, policy)
    at = timezone.now() + datetime.timedelta(days=2)
    article_publish(article=article, actor=city_admin, publish_at=at)
    url = reverse("portal:content_article", args=[article.pk])
    assert client.get(url).status_code == 404
    with time_machine.travel(at + datetime.timedelta(minutes=1)):
        assert client.get(url).status_code == 200


def test_a_withdrawn_article_leaves_the_portal_and_needs_a_reason(city_admin, policy, client):
    article = _article(city_admin, policy)
    article_publish(article=article, actor=city_admin)
    with pytest.raises(Exception, match="撤下原因"):
        article_withdraw(article=article, actor=city_admin, reason=" ")
    article_withdraw(article=article, actor=city_admin, reason="政策已废止")
    assert client.get(reverse("portal:content_article", args=[article.pk])).status_code == 404
    assert "公共租赁住房管理办法" not in client.get(reverse("portal:home")).content.decode()


def test_full_text_search_in_chinese_finds_words_of_the_body(city_admin, policy, client):
    found = _article(city_admin, policy, title="补贴发放说明", body="<p>租赁补贴按季度发放到银行账户。</p>")
    other = _article(city_admin, policy, title="选房须知", body="<p>选房当天请携带身份证。</p>")
    for article in (found, other):
        article_publish(article=article, actor=city_admin)
    page = client.get(reverse("portal:content_search"), {"q": "租赁补贴 发放"}).content.decode()
    assert "补贴发放说明" in page and "选房须知" not in page
    assert "共找到 1 篇" in page


def test_back_office_form_keeps_what_was_typed_and_says_what_is_missing(city_admin, policy, client):
    client.force_login(city_admin)
    url = reverse("portal_content:article_create")
    page = client.post(
        url, {"column": policy.pk, "title": "", "region_code": CITY, "body_html": "<p>已写的正文</p>"}
    ).content.decode()
    assert "请填写标题" in page or "这个字段是必填项" in page
    assert "已写的正文" in page
    assert not Article.objects.exists()
    response = client.post(
        url, {"column": policy.pk, "title": "新公告", "region_code": CITY, "body_html": "<p>正文</p>"}
    )
    article = Article.objects.get(title="新公告")
    assert response.url == article.get_absolute_url() and article.state == ArticleState.DRAFT


def test_publish_from_the_back_office_and_a_bad_schedule_is_refused(city_admin, policy, client):
    article = _article(city_admin, policy)
    client.force_login(city_admin)
    url = reverse("portal_content:article_publish", args=[article.pk])
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(url, {"publish_at": past}, follow=True).content.decode()
    assert "不能早于现在" in page
    assert Article.objects.get(pk=article.pk).state == ArticleState.DRAFT
    client.post(url, {})
    assert Article.objects.get(pk=article.pk).is_public


def test_attachments_are_checked_by_content_and_downloadable_once_public(city_admin, policy, client):
    article = _article(city_admin, policy)
    client.force_login(city_admin)
    url = reverse("portal_content:article_attach", args=[article.pk])
    page = client.post(
        url, {"name": "假文件", "file": upload("a.pdf", b"MZ\x90\x00 not a pdf")}, follow=True
    ).content.decode()
    assert "可执行程序" in page
    client.post(url, {"name": "申请表", "file": upload("申请表.pdf", pdf_bytes())})
    article_publish(article=article, actor=city_admin)
    client.logout()
    public = client.get(reverse("portal:content_article", args=[article.pk])).content.decode()
    assert "申请表" in public and "假文件" not in public
    from portal.content.selectors import article_attachments

    document = article_attachments(article=article).get()
    response = client.get(reverse("portal:content_attachment", args=[article.pk, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_districts_article_is_a_404_in_the_back_office(city_admin, make_staff, policy, client):
    article = _article(city_admin, policy, region=DISTRICT_B)
    district_a = make_staff(
        "content_a", [("city_centre", "440402000000")], is_staff=True, org_region="440402000000"
    )
    client.force_login(district_a)
    assert client.get(reverse("portal_content:article_detail", args=[article.pk])).status_code == 404
    client.force_login(city_admin)
    assert client.get(reverse("portal_content:article_detail", args=[article.pk])).status_code == 200


def test_lists_stay_within_a_few_queries(city_admin, policy, client, django_assert_max_num_queries):
    for n in range(30):
        article_publish(article=_article(city_admin, policy, title=f"文章{n}"), actor=city_admin)
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("portal_content:article_list")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("portal:content_column", args=["policy"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:home")).status_code == 200


def test_demo_content_seeds_once(regions):
    seed_demo_content()
    count = Article.objects.count()
    seed_demo_content()
    assert Article.objects.count() == count and count >= 12
