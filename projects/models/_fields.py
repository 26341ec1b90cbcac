"""Field helpers: the standard's many optional areas, counts and amounts, declared one line each."""

from __future__ import annotations

from django.db import models


def area(label: str, **kwargs) -> models.DecimalField:
    """An optional area in m², two places (DESIGN §4 rule 5)."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True, **kwargs)


def money(label: str, **kwargs) -> models.DecimalField:
    """An optional amount in yuan, two places; never a float."""
    return models.DecimalField(label, max_digits=16, decimal_places=2, null=True, blank=True, **kwargs)


def count(label: str, **kwargs) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True, **kwargs)


def text(label: str, length: int = 100, **kwargs) -> models.CharField:
    return models.CharField(label, max_length=length, blank=True, default="", **kwargs)


def date(label: str, **kwargs) -> models.DateField:
    return models.DateField(label, null=True, blank=True, **kwargs)


def choice(label: str, choices, length: int = 32, **kwargs) -> models.CharField:
    return models.CharField(label, max_length=length, choices=choices, blank=True, default="", **kwargs)


def region_index(name: str) -> models.Index:
    """RegionScoped's prefix index under a short name (index names stop at 30 characters)."""
    return models.Index(fields=["region_code"], name=name, opclasses=["varchar_pattern_ops"])
