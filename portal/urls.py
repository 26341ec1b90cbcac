from django.urls import include, path

from . import lottery_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/register/", views.register, name="register"),
    path("portal/login/", views.PortalLoginView.as_view(), name="login"),
    path("portal/logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("portal/me/", views.me, name="me"),
    path("portal/", include("portal.accounts.urls")),  # 门户账号: 找回密码、短信验证码、图形验证码
    path("news/", include("portal.content_views")),
    path(
        "selfcheck/", include("portal.selfcheck_views")
    ),  # 资格自测 (no login, nothing stored)  # 内容管理: 通知公告、政策法规 … (no login)
    path("publicity/", include("portal.publicity_views")),
    path("apply/", include("portal.apply.urls")),  # 导航式网上申请
    path("waitlist/", include("portal.waitlist_views")),  # 我的轮候 (allocation.waitlist)
    path("selection/", include("portal.selection_views")),  # 选房结果 (allocation.selection)
    path(
        "contracts/", include("portal.contract_views")
    ),  # 我的合同 (allocation.contracts)  # 公示公告 (admission publicity, no login)
    path("subsidies/", include("portal.subsidy_views")),  # 我的补贴 (allocation.subsidies)
    path("affairs/", include("portal.affairs.urls")),  # 我的办事 (names in this namespace)
    path("annual-review/", include("portal.annual_review_views")),  # 年度复核申报
    path("lottery/", lottery_views.lottery_list, name="lottery_list"),
    path("lottery/verify/", lottery_views.lottery_verify, name="lottery_verify"),
    path("lottery/<str:number>/", lottery_views.lottery_detail, name="lottery_detail"),
    path(
        "lottery/<str:number>/entrants.txt", lottery_views.lottery_entrant_file, name="lottery_entrant_file"
    ),
    path("lottery/<str:number>/result.txt", lottery_views.lottery_result_file, name="lottery_result_file"),
]
