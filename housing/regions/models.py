"""行政区划: the tree of statistical division codes every region-owned row points into."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import Level, scope_prefix, validate_code


class Region(models.Model):
    """One division (省/市/区县/街道/社区), keyed by its 12-digit code."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True, validators=[validate_code])
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("虚构的演示区划，正式上线前删除。")
    )
    is_active = models.BooleanField(_("是否启用"), default=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return scope_prefix(self.code)

    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class RegionScoped(models.Model):
    """Base of every region-owned row: one ``region_code`` column, prefix-indexed.

    ``varchar_pattern_ops`` lets PostgreSQL answer ``LIKE '440402%'`` from the index whatever the
    database collation (a plain b-tree index cannot serve LIKE under a non-C collation).
    A subclass that declares its own ``Meta.indexes`` must keep this index in the list.
    """

    region_code = models.CharField(_("行政区划代码"), max_length=12, validators=[validate_code])

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["region_code"], name="%(app_label)s_%(class)s_rgn", opclasses=["varchar_pattern_ops"]
            )
        ]
