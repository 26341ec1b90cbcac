"""Demo articles for the portal's columns (marked ``is_demo``); a second run creates nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from housing.accounts.system import system_actor

from .models import Article, ContentColumn
from .services import article_publish, article_save, content_columns_sync

CITY = "440400000000"

ARTICLES = (
    (
        "notice",
        "关于2026年第一批公共租赁住房摇号配租的公告",
        "珠住保〔2026〕12号",
        "<p>根据《珠海市公共租赁住房管理办法》，现将2026年第一批公共租赁住房摇号配租有关事项公告如下：</p>"
        "<h3>一、参加对象</h3><p>截至公告之日已登记轮候、保障方式为实物配租的家庭。最低生活保障家庭列入第一轮。</p>"
        "<h3>二、名单公布</h3><p>参加摇号的家庭名单锁定后，在本平台“摇号公告”栏目公布名单文件及其校验值（SHA-256），"
        "任何人均可下载核对。</p><h3>三、摇号方式</h3><p>现场由公证员监督产生种子，按公开的算法计算顺序，结果公布后可在线核验。</p>",
    ),
    (
        "notice",
        "关于调整公共租赁住房租金标准的通知",
        "珠住保〔2026〕9号",
        "<p>自2026年7月1日起，公共租赁住房租金按市场租金乘以租金系数计收，最低生活保障家庭租金系数为0.05。</p>",
    ),
    (
        "policy",
        "珠海市公共租赁住房管理办法",
        "珠府〔2025〕38号",
        "<p>第一条 为规范公共租赁住房的申请、审核、轮候、配租和退出管理，制定本办法。</p>"
        "<p>第二条 本办法适用于本市行政区域内政府投资和政府提供政策支持建设的公共租赁住房。</p>"
        "<p>第十二条 申请家庭人均可支配收入、人均住房建筑面积应当符合市人民政府公布的标准。</p>",
    ),
    (
        "policy",
        "珠海市住房保障家庭收入和财产标准（2026年）",
        "珠住保〔2026〕3号",
        "<p>公共租赁住房申请家庭人均年可支配收入标准为40,000元，人均住房建筑面积标准为15平方米。</p>",
    ),
    (
        "interpretation",
        "一图读懂：公共租赁住房怎么申请",
        "",
        "<p>第一步，对照条件做资格自测；第二步，在本平台网上申请或到街道窗口申请；第三步，街道、区、市三级审核并公示；"
        "第四步，登记轮候，按摇号或轮候顺序选房；第五步，签订租赁合同，办理入住。</p>",
    ),
    (
        "interpretation",
        "租赁补贴常见问题解答",
        "",
        "<p>问：租赁补贴按月发放吗？</p><p>答：按月计算，按季度发放到申请人本人的银行账户。</p>",
    ),
    (
        "news",
        "香洲区新增600套公共租赁住房交付使用",
        "",
        "<p>近日，香洲区翠香花园公共租赁住房项目竣工移交，新增房源600套，将于下月起分批配租。</p>",
    ),
    (
        "news",
        "市住房保障中心开展年度审核工作",
        "",
        "<p>全市保障家庭年度审核工作启动，家庭可在本平台更新家庭人口、收入和住房情况。</p>",
    ),
    (
        "guide",
        "公共租赁住房申请办事指南",
        "",
        "<h3>申请条件</h3><ul><li>本市户籍满3年或在本市连续缴纳社会保险满12个月；</li><li>家庭人均年收入不超过4万元；</li>"
        "<li>家庭人均住房建筑面积低于15平方米。</li></ul><h3>所需材料</h3><ul><li>申请人及家庭成员身份证、户口簿；</li>"
        "<li>收入证明；</li><li>住房情况证明。</li></ul><h3>办理时限</h3><p>自受理之日起45个工作日（不含公示期）。</p>",
    ),
    (
        "enforcement",
        "2026年第三季度公共租赁住房使用情况检查结果",
        "",
        "<p>本季度共检查公共租赁住房1,200套，发现转租2户、闲置超过6个月3户，已依法收回。</p>",
    ),
)


def seed_demo_content() -> list[tuple[str, str, str]]:
    """DEMO_SEEDERS entry: ten published articles across the six columns, one scheduled, one draft."""
    content_columns_sync()
    if Article.objects.filter(is_demo=True).exists():
        return []
    actor = system_actor()
    columns = {c.code: c for c in ContentColumn.objects.all()}
    now = timezone.now()
    for index, (code, title, number, body) in enumerate(ARTICLES):
        article = article_save(
            actor=actor, column=columns[code], title=title, body_html=body, region_code=CITY,
            document_number=number, source="珠海市住房保障中心",
        )  # fmt: skip
        Article.objects.filter(pk=article.pk).update(is_demo=True)
        article_publish(article=article, actor=actor)
        Article.objects.filter(pk=article.pk).update(publish_at=now - datetime.timedelta(days=3 * index + 1))
    scheduled = article_save(
        actor=actor, column=columns["notice"], title="关于2026年第二批公共租赁住房摇号的预告",
        body_html="<p>第二批摇号拟于下月举行，具体安排另行公告。</p>", region_code=CITY,
    )  # fmt: skip
    article_publish(article=scheduled, actor=actor, publish_at=now + datetime.timedelta(days=7))
    draft = article_save(
        actor=actor, column=columns["news"], title="（草稿）住房保障信息系统上线运行",
        body_html="<p>草稿，尚未发布。</p>", region_code=CITY,
    )  # fmt: skip
    Article.objects.filter(pk__in=[scheduled.pk, draft.pk]).update(is_demo=True)
    return []
