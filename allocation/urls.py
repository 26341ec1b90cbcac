from django.urls import path

from . import views
from .annual_review import urls as annual_review_urls
from .contracts import urls as contracts_urls
from .exits import urls as exits_urls
from .ledgers import urls as ledgers_urls
from .plans import urls as plans_urls
from .resale import urls as resale_urls
from .selection import urls as selection_urls
from .subsidies import urls as subsidies_urls
from .tenancy import urls as tenancy_urls
from .waitlist import urls as waitlist_urls

app_name = "allocation"

urlpatterns = [
    path("lotteries/", views.LotteryListView.as_view(), name="lottery_list"),
    path("lotteries/new/", views.lottery_create_view, name="lottery_create"),
    path("lotteries/<int:pk>/", views.lottery_detail, name="lottery_detail"),
    path("lotteries/<int:pk>/freeze/", views.lottery_freeze_view, name="lottery_freeze"),
    path("lotteries/<int:pk>/draw/", views.lottery_draw_view, name="lottery_draw"),
    path("lotteries/<int:pk>/void/", views.lottery_void_request_view, name="lottery_void_request"),
    path("lotteries/<int:pk>/void/confirm/", views.lottery_void_confirm_view, name="lottery_void_confirm"),
    *ledgers_urls.urlpatterns,
    *plans_urls.urlpatterns,
    *waitlist_urls.urlpatterns,
    *selection_urls.urlpatterns,
    *contracts_urls.urlpatterns,
    *subsidies_urls.urlpatterns,
    *tenancy_urls.urlpatterns,
    *annual_review_urls.urlpatterns,
    *resale_urls.urlpatterns,
    *exits_urls.urlpatterns,
]
