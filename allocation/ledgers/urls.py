"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

urlpatterns: list = []
