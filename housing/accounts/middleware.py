"""Staff sessions end after 30 idle minutes; roles that require a second factor must pass TOTP."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "last_activity"
IDLE_REASON = "idle"
# The stamp is rewritten at most once a minute: a session write on every request costs queries
# on every page, and the 30-minute timeout needs no finer grain.
STAMP_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_applicant:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT.total_seconds():
                logout(request)
                # This middleware runs before MessageMiddleware, so the reason travels in the URL
                # and the login page says it (StaffLoginView).
                query = urlencode({"next": request.get_full_path(), "reason": IDLE_REASON})
                return redirect(f"{reverse('accounts:login')}?{query}")
            if last is None or now - last >= STAMP_EVERY_SECONDS:
                request.session[SESSION_KEY] = now
            response = self._require_second_factor(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def _require_second_factor(request, user):
        required = set(settings.OTP_REQUIRED_ROLES)
        if not required or not (user.role_codes & required) or user.is_verified():
            return None
        exempt = (reverse("accounts:otp"), reverse("accounts:logout"), settings.STATIC_URL)
        if request.path.startswith(exempt):
            return None
        return redirect(f"{reverse('accounts:otp')}?next={request.path}")
