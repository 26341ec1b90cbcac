"""Settings shared by every environment; every secret and address comes from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="insecure-demo-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "import_export",
    "django_htmx",
    "django_filters",
    "captcha",  # django-simple-captcha: 门户登录失败多次后的图形验证码
    "housing.regions",
    "housing.accounts",
    "housing.audit",
    "housing.archive",
    "housing.workflow",
    "housing.notify",
    "housing.documents",
    "housing.exchange",
    "housing.backoffice",
    "rules",
    "admission",
    "projects",
    "projects.plans",
    "allocation",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "housing.audit.middleware.RequestContextMiddleware",
    # Anonymous GETs of the public portal pages from the cache (portal/page_cache.py): before the session.
    "portal.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "housing.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into the login page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "housing.urls"
WSGI_APPLICATION = "housing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "housing.backoffice.context_processors.backoffice",
            ],
        },
    },
]

# No DATABASE_URL: the demo's SQLite file under var/.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# Web and Celery workers keep their database connection between requests: a new one costs PostgreSQL
# a backend process and cold catalogue caches, which plan the first queries several times slower
# (bench/selection.py). Checked before reuse, so a restarted database costs one failed check, not an error.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    # Sessions in Redis (DESIGN §6): web nodes share them and no page pays a database write for them.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    # No broker: the demo runs tasks in-process and caches in memory.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The one place periodic schedules live (CONVENTIONS: exactly one beat process).
CELERY_BEAT_SCHEDULE = {
    "workflow-remind-due-nodes": {
        "task": "housing.workflow.tasks.remind_due_nodes",
        "schedule": timedelta(hours=1),
    },
    "notify-send-pending": {
        "task": "housing.notify.tasks.send_pending_messages",
        "schedule": timedelta(minutes=5),
    },
    # 公示期满: close published batches whose end date has passed (idempotent, so hourly is safe).
    "admission-close-due-publicity": {
        "task": "admission.publicity.tasks.close_due_publicity_batches",
        "schedule": timedelta(hours=1),
    },
    # 资源台账: this and the previous month, quarter and year (idempotent, so daily keeps them fresh).
    "allocation-build-recent-ledgers": {
        "task": "allocation.ledgers.tasks.build_recent_ledgers",
        "schedule": timedelta(days=1),
    },
    # 合同到期: signed contracts past their end date become 已到期 (idempotent, daily).
    "allocation-expire-due-contracts": {
        "task": "allocation.contracts.tasks.expire_due_contracts",
        "schedule": timedelta(days=1),
    },
    # 补贴应发: this month's due rows (idempotent, so daily adds only agreements signed since the last run).
    "allocation-subsidy-due-run": {
        "task": "allocation.subsidies.tasks.subsidy_due_run_monthly",
        "schedule": timedelta(days=1),
    },
    # 租金应收: this month's rent receivables (idempotent; daily picks up move-ins new since the last run).
    "allocation-rent-receivables": {
        "task": "allocation.tenancy.tasks.build_monthly_rent_receivables",
        "schedule": timedelta(days=1),
    },
    # 催缴短信: rent still owed RENT_REMINDER_DAYS after 应收时间 (idempotent per receivable and round, daily).
    "allocation-rent-reminders": {
        "task": "allocation.tenancy.tasks.send_rent_reminders",
        "schedule": timedelta(days=1),
    },
    # 年审: reviews still 待审核 after ANNUAL_REVIEW_DEADLINE become 逾期未审 (idempotent, daily); from
    # ANNUAL_REVIEW_AUTO_START (if set) the year's city-wide run is started once.
    "allocation-annual-review-overdue": {
        "task": "allocation.annual_review.tasks.annual_review_mark_overdue_daily",
        "schedule": timedelta(days=1),
    },
    # 保障退出: 欠租、本市住房、年审结论退出 → 拟退出 (idempotent, daily).
    "allocation-exit-scan": {"task": "allocation.exits.tasks.exit_scan_daily", "schedule": timedelta(days=1)},
}
# 租金催缴短信：应收时间后多少天发第一条，之后每隔多少天再发一条（0 为只发一次）；生成记录多久无进度视为中断。
RENT_REMINDER_DAYS = env.int("RENT_REMINDER_DAYS", default=15)
RENT_REMINDER_REPEAT_DAYS = env.int("RENT_REMINDER_REPEAT_DAYS", default=30)
RENT_RUN_STALE_MINUTES = env.int("RENT_RUN_STALE_MINUTES", default=10)
# 年审截止日期（月-日）；逾期未审的家庭自次月起暂停补贴、不补发 (allocation/annual_review)。
ANNUAL_REVIEW_DEADLINE = env("ANNUAL_REVIEW_DEADLINE", default="12-31")
ANNUAL_REVIEW_SUSPEND_OVERDUE = env.bool("ANNUAL_REVIEW_SUSPEND_OVERDUE", default=True)
# 每年自动发起全市年审的日期（月-日，如 "01-10"；空为不自动发起，由各区在年审页面发起）；生成记录多久无进度视为中断。
ANNUAL_REVIEW_AUTO_START = env("ANNUAL_REVIEW_AUTO_START", default="")
ANNUAL_REVIEW_RUN_STALE_MINUTES = env.int("ANNUAL_REVIEW_RUN_STALE_MINUTES", default=10)
# 经适房再上市 (allocation/resale, docs/allocation_resale.md): 满几年可上市、回购的年折旧率与最低成新率、
# 上市时按差价缴纳土地收益等价款的比例。Strings: Decimal, never float.
RESALE_LOCK_YEARS = env.int("RESALE_LOCK_YEARS", default=5)
RESALE_DEPRECIATION_RATE = env("RESALE_DEPRECIATION_RATE", default="0.02")
RESALE_DEPRECIATION_FLOOR = env("RESALE_DEPRECIATION_FLOOR", default="0.60")
RESALE_LAND_REVENUE_SHARE = env("RESALE_LAND_REVENUE_SHARE", default="0.50")
# 保障退出 (allocation/exits, docs/allocation_exits.md): 欠租/空置满几个月、腾退期限（月）、骗取保障禁止再申请
# 年限、逾期市场租金倍数 (Decimal string).
EXIT_ARREARS_MONTHS = env.int("EXIT_ARREARS_MONTHS", default=6)
EXIT_VACANT_MONTHS = env.int("EXIT_VACANT_MONTHS", default=6)
EXIT_MOVE_OUT_MONTHS = env.int("EXIT_MOVE_OUT_MONTHS", default=2)
EXIT_CREDIT_BAR_YEARS = env.int("EXIT_CREDIT_BAR_YEARS", default=5)
EXIT_OVERSTAY_RENT_FACTOR = env("EXIT_OVERSTAY_RENT_FACTOR", default="1")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "housing.accounts.backends.StaffBackend",
    "housing.accounts.backends.ApplicantBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "housing.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "housing.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "housing.accounts.passwords.NoReuseValidator", "OPTIONS": {"history": 5}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: 5 failures lock the account for 30 minutes (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Per account, as the policy says. Not per address: a whole office often shares one NAT address,
# and one caseworker's typos must not lock out the street.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "housing.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"

STAFF_IDLE_TIMEOUT = timedelta(minutes=env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30))
# Roles whose holders must pass a TOTP second factor (django-otp); empty means optional for all.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])

# Keyed hash for looking up ID numbers without storing them in the clear.
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY", default=SECRET_KEY)

# 部门数据交换: rows per imported file; live department APIs per dataset code (see housing/exchange/adapters.py).
EXCHANGE_IMPORT_MAX_ROWS = env.int("EXCHANGE_IMPORT_MAX_ROWS", default=50_000)
EXCHANGE_ADAPTERS: dict[str, dict] = {}
# Fernet key(s) for personal numbers stored encrypted (证件号码): comma-separated, the first encrypts and
# every one decrypts (key rotation). Empty derives a key from SECRET_KEY: for the demo only.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")

ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row.
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
# ISO dates first in the input formats, so <input type="date"> shows a value a form sends back (see there).
FORMAT_MODULE_PATH = ["housing.formats"]
# Only Chinese is offered, so an English browser still gets the Chinese UI (Django admin included).
# Adding a language = a catalogue under locale/ and a line here.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"

# 项目地图 base tiles, e.g. an intranet tile server "https://tiles.example/{z}/{x}/{y}.png".
# Empty: the map shows project markers on a plain grid (no internet needed).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Archive uploads (电子档案): limit per file, checked by content.
ARCHIVE_MAX_UPLOAD_BYTES = env.int("ARCHIVE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Notifications: the SMS backend and its gateway.
SMS_BACKEND = env("SMS_BACKEND", default="housing.notify.backends.LoggingSmsBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@housing.local")

# Public base URL printed in QR codes of issued documents.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# 复核申请: calendar days after the 不予登记通知书 within which a refused applicant may appeal (issue 4 part 9).
ADMISSION_APPEAL_DAYS = env.int("ADMISSION_APPEAL_DAYS", default=5)
# 轮候 (issue 7 part 3): refusals (拒绝选房/缺席) after which a family leaves the waitlist; waiting-period limit.
ALLOCATION_REFUSAL_LIMIT = env.int("ALLOCATION_REFUSAL_LIMIT", default=3)
ALLOCATION_WAITING_YEARS = env.int("ALLOCATION_WAITING_YEARS", default=5)

# Seconds an anonymous visitor's copy of a public portal page is served from the cache (0 = never).
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS", default=30)

# 门户账号 (issue 6 part 3, docs/portal_accounts.md): SMS codes and the image CAPTCHA.
PORTAL_SMS_CODE_TTL_SECONDS = 10 * 60  # a code is valid 10 minutes
PORTAL_SMS_CODE_RESEND_SECONDS = 60  # one code per phone per minute
PORTAL_SMS_CODE_PHONE_PER_DAY = env.int("PORTAL_SMS_CODE_PHONE_PER_DAY", default=5)
PORTAL_SMS_CODE_IP_PER_HOUR = env.int("PORTAL_SMS_CODE_IP_PER_HOUR", default=20)
PORTAL_SMS_CODE_MAX_TRIES = 5  # wrong answers before the code is void
# Codes sent from one client address within the hour after which sending asks for the image CAPTCHA.
PORTAL_SMS_CODE_CAPTCHA_AFTER = env.int("PORTAL_SMS_CODE_CAPTCHA_AFTER", default=2)
# Failed portal logins (same address or same account) after which the login form asks for the CAPTCHA;
# below AXES_FAILURE_LIMIT so a person sees the CAPTCHA before the lock. Counted over the lock's window.
PORTAL_LOGIN_CAPTCHA_AFTER = env.int("PORTAL_LOGIN_CAPTCHA_AFTER", default=3)
# Reverse proxies in front of the web nodes that append to X-Forwarded-For (0: use REMOTE_ADDR).
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
# Namespace of the counters and code hashes in the cache (tests give each test its own).
PORTAL_ACCOUNTS_CACHE_PREFIX = "portal-accounts"
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_FONT_SIZE = 30  # larger letters: easier to read on a phone

# Audit events younger than this cannot be purged.
AUDIT_MIN_RETENTION_DAYS = 180

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "housing.audit.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # Chatty at INFO: every PDF step, every font subset, every eager task.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}

# The city this installation serves (12-digit division code): the portal's self-check asks for its
# districts and evaluates the rule sets in force there.
PORTAL_CITY_CODE = env("PORTAL_CITY_CODE", default="440400000000")
