"""Back-office URLs of this part; ``admission/urls.py`` appends them (namespace ``admission``)."""

from __future__ import annotations

urlpatterns: list = []
