"""Models of 资源配置方案 (A.6.5–A.6.9): demand against supply, plans, invited families and offered units."""

from __future__ import annotations

__all__: list[str] = []
