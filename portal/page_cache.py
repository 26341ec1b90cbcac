"""Anonymous visitors' views of the public portal pages, served from the shared cache for a few seconds.

The day a lottery result or a publicity list is published, thousands of citizens open the same few pages;
each would otherwise render the same HTML from the same rows. A visitor without a session (not signed in)
asking for a public page with GET gets the copy made for the first such visitor in the last
``PORTAL_PAGE_CACHE_SECONDS`` (docs/performance.md “门户匿名访问”). Nothing personal can be in it: the
copy is made only from a request without a session, and a response that sets a cookie (a CSRF token of a
form, a message) is never kept. A change shows on these pages at most that many seconds later.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language_from_request

# The public pages' paths; applications, accounts, my affairs and verification forms are not among them.
PUBLIC_PREFIXES = ("/news/", "/publicity/", "/lottery/", "/listings/")
EXCLUDED_PREFIXES = ("/lottery/verify/",)


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    path = request.path
    if path.startswith(EXCLUDED_PREFIXES):
        return False
    return path == "/" or path.startswith(PUBLIC_PREFIXES)


def _key(request) -> str:
    digest = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()
    return f"portal-page:{get_language_from_request(request)}:{digest}"


class PublicPageCacheMiddleware:
    """Placed before the session middleware: a cached page skips everything after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0)
        if seconds <= 0 or not _eligible(request):
            return self.get_response(request)
        # The page is being made for everyone: base.html leaves out the htmx CSRF header (which would set
        # a cookie); these pages post nothing, and a page that does use a token sets a cookie and is not kept.
        request.public_page_cache = True
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in response.get("Cache-Control", "")
        ):
            cache.set(key, response, seconds)
        return response
