"""Production: every secret and address from the environment; HTTPS only; JSON logs."""

import copy

from .base import *  # noqa: F403
from .base import CACHES, LOGGING, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Container and load-balancer probes speak plain HTTP to the app port; a redirect is not an answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Copies, not edits: base's dicts are shared objects, and a process that imports both modules
# (the test suite does) must not see base's settings turned into production's.
CACHES = copy.deepcopy(CACHES)
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # A Redis host that drops packets must fail a request (and /readyz) in seconds, not hang a worker.
    CACHES["default"]["OPTIONS"].update(SOCKET_CONNECT_TIMEOUT=2, SOCKET_TIMEOUT=2)

LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = "json"
