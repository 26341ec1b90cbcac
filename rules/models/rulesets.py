"""规则模版: versioned rule sets and everything inside one version (CJJ/T 196 §4.2.1, A.1.4–A.1.7).

A rule set is one version of a project's rules for a region: draft → active (effective from a
date, citing the policy document) → retired. An active or retired version is never edited
(DESIGN §4 rule 4): decisions taken under it must stay reproducible, so "修改" copies it into a
new draft. Every row inside a version (groups, conditions, standards, ordering criteria) points
to its version and can be changed only while that version is a draft.
"""

from __future__ import annotations

import datetime

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.models import RegionScoped
from housing.workflow.fsm import records_workflow

from .reference import ConditionCategory, EnabledFields, GuaranteeMode, GuaranteeProject

PUBLISH_PERMISSION = "rules.publish_ruleset"
PROCESS_CODE = "rule_set"


class RuleSetState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已启用")
    RETIRED = "retired", _("已停止")


#: The fields that define a version's meaning; frozen once it leaves the draft state.
#: ``effective_to`` is not among them: activating a successor or retiring closes the period.
FROZEN_FIELDS = (
    "project_id",
    "region_code",
    "version",
    "name",
    "effective_from",
    "policy_title",
    "policy_number",
    "notes",
)


class RuleSet(django_fsm.FSMModelMixin, RegionScoped):
    """规则模版: one version of one project's rules for one region and its sub-regions."""

    project = models.ForeignKey(
        GuaranteeProject, verbose_name=_("保障项目"), on_delete=models.PROTECT, related_name="rule_sets"
    )
    version = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("规则模版名称"), max_length=200)
    state = django_fsm.FSMField(
        _("状态"), max_length=16, choices=RuleSetState.choices, default=RuleSetState.DRAFT, protected=True
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("留空表示长期有效，直至被新版本取代或停止。")
    )
    policy_title = models.CharField(_("政策文件名称"), max_length=200, blank=True)
    policy_number = models.CharField(_("政策文件文号"), max_length=100, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta(RegionScoped.Meta):
        verbose_name = _("规则模版")
        verbose_name_plural = _("规则模版")
        ordering = ["project__code", "region_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "region_code", "version"], name="rules_ruleset_project_region_version"
            )
        ]
        permissions = [("publish_ruleset", _("可以启用或停止规则模版"))]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rules:ruleset_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == RuleSetState.DRAFT

    def covers(self, on_date: datetime.date) -> bool:
        """Whether ``on_date`` falls in this version's effective period."""
        if self.effective_from is None or on_date < self.effective_from:
            return False
        return self.effective_to is None or on_date <= self.effective_to

    def period_display(self) -> str:
        if self.effective_from is None:
            return "—"
        end = self.effective_to.isoformat() if self.effective_to else _("长期")
        return f"{self.effective_from.isoformat()} 至 {end}"

    def clean(self) -> None:
        if self.project_id and self.region_code:
            project_region = self.project.region_code
            from housing.regions.codes import scope_prefix

            if not self.region_code.startswith(scope_prefix(project_region)):
                raise ValidationError(
                    {
                        "region_code": _("规则模版的行政区划应在保障项目所属区划（%(r)s）之内。")
                        % {"r": project_region}
                    }
                )
        if self.effective_from and self.effective_to:
            if self.effective_to < self.effective_from - datetime.timedelta(days=1):
                raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
        if self.pk:
            stored = RuleSet.objects.filter(pk=self.pk).values("state", *FROZEN_FIELDS).first()
            if stored and stored["state"] != RuleSetState.DRAFT:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise ValidationError(
                        _("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。")
                    )

    # Transitions: called only by the services (rules.services), which check the business rules
    # (formulas valid, periods not overlapping) first; the decorator writes the workflow record.
    @records_workflow(PROCESS_CODE)
    @django_fsm.transition(
        field=state, source=RuleSetState.DRAFT, target=RuleSetState.ACTIVE, permission=PUBLISH_PERMISSION
    )
    def activate(self, *, actor, opinion: str = "") -> None:
        """启用"""

    @records_workflow(PROCESS_CODE)
    @django_fsm.transition(
        field=state, source=RuleSetState.ACTIVE, target=RuleSetState.RETIRED, permission=PUBLISH_PERMISSION
    )
    def retire(self, *, actor, opinion: str = "") -> None:
        """停止"""


TRANSITION_LABELS = {"activate": _("启用"), "retire": _("停止")}


class VersionedItem(EnabledFields):
    """A row inside a rule-set version; changeable only while the version is a draft."""

    rule_set = models.ForeignKey(RuleSet, verbose_name=_("规则模版"), on_delete=models.CASCADE)
    mode = models.ForeignKey(GuaranteeMode, verbose_name=_("保障方式编号"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True

    def audit_region_code(self) -> str:
        return self.rule_set.region_code

    def clean(self) -> None:
        if self.rule_set_id:
            state = RuleSet.objects.filter(pk=self.rule_set_id).values_list("state", flat=True).first()
            if state is not None and state != RuleSetState.DRAFT:
                raise ValidationError(_("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。"))
            if self.mode_id and self.mode.project_id != self.rule_set.project_id:
                raise ValidationError({"mode": _("保障方式不属于该规则模版的保障项目。")})


class Logic(models.TextChoices):
    AND = "and", _("并且（AND）")
    OR = "or", _("或者（OR）")
    NOT = "not", _("非（NOT）")


class ConditionGroup(VersionedItem):
    """A.1.6 保障对象申请条件组合判断: AND / OR / NOT over conditions and nested groups."""

    code = models.CharField(_("保障方式申请条件组合定性判断编号"), max_length=32)
    name = models.CharField(_("组合名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("保障对象申请条件组合定性判断父级条件编号"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    logic = models.CharField(_("逻辑关系"), max_length=8, choices=Logic.choices, default=Logic.AND)

    class Meta:
        verbose_name = _("保障对象申请条件组合判断")
        verbose_name_plural = _("保障对象申请条件组合判断")
        ordering = ["rule_set", "mode", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "mode", "code"], name="rules_group_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_logic_display()}）"

    def clean(self) -> None:
        super().clean()
        if self.parent_id:
            if self.parent.rule_set_id != self.rule_set_id or self.parent.mode_id != self.mode_id:
                raise ValidationError({"parent": _("上级组合应属于同一规则模版的同一保障方式。")})
            node, seen = self.parent, set()
            while node is not None:
                if node.pk == self.pk or node.pk in seen:
                    raise ValidationError({"parent": _("组合不能以自身或下级为上级。")})
                seen.add(node.pk)
                node = node.parent


class ConditionBase(VersionedItem):
    """What quantitative and qualitative conditions share."""

    code = models.CharField(_("保障方式申请条件编号"), max_length=32)
    name = models.CharField(_("保障方式申请条件"), max_length=200)
    group = models.ForeignKey(
        ConditionGroup,
        verbose_name=_("保障方式申请条件组合定性判断编号"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    category = models.ForeignKey(
        ConditionCategory,
        verbose_name=_("保障对象申请条件分类编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    factor = models.CharField(_("条件因素"), max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        from rules.factors import factor_get

        if self.group_id and (
            self.group.rule_set_id != self.rule_set_id or self.group.mode_id != self.mode_id
        ):
            raise ValidationError({"group": _("组合应属于同一规则模版的同一保障方式。")})
        if self.factor and factor_get(self.factor) is None:
            raise ValidationError({"factor": _("未登记的条件因素“%(f)s”。") % {"f": self.factor}})


class LowerOperator(models.TextChoices):
    GT = ">", _("大于（不含起始值）")
    GTE = ">=", _("大于等于（含起始值）")


class UpperOperator(models.TextChoices):
    LT = "<", _("小于（不含终止值）")
    LTE = "<=", _("小于等于（含终止值）")


class QuantitativeCondition(ConditionBase):
    """A.1.4 保障对象申请条件定量判断: a numeric factor between bounds, each inclusive or not,
    optionally only for households of a size band (人均资产 ≤ 8.8 万元 for 1–2 persons …)."""

    measure = models.CharField(_("保障条件和保障标准计量方式"), max_length=32, blank=True)
    lower = models.DecimalField(_("条件起始值"), max_digits=16, decimal_places=4, null=True, blank=True)
    lower_operator = models.CharField(
        _("与起始值逻辑关系"), max_length=2, choices=LowerOperator.choices, default=LowerOperator.GTE
    )
    upper = models.DecimalField(_("条件终止值"), max_digits=16, decimal_places=4, null=True, blank=True)
    upper_operator = models.CharField(
        _("与终止值逻辑关系"), max_length=2, choices=UpperOperator.choices, default=UpperOperator.LTE
    )
    household_size_min = models.PositiveSmallIntegerField(_("适用人户数下限"), null=True, blank=True)
    household_size_max = models.PositiveSmallIntegerField(_("适用人户数上限"), null=True, blank=True)

    class Meta:
        verbose_name = _("保障对象申请条件定量判断")
        verbose_name_plural = _("保障对象申请条件定量判断")
        ordering = ["rule_set", "mode", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "mode", "code"], name="rules_quantitative_code")
        ]

    def clean(self) -> None:
        super().clean()
        from rules.factors import factor_get

        factor = factor_get(self.factor)
        if factor is not None and not factor.is_numeric:
            raise ValidationError(
                {"factor": _("定量判断只能使用数值或整数因素，“%(f)s”不是。") % {"f": factor.label}}
            )
        if self.lower is None and self.upper is None:
            raise ValidationError(_("条件起始值和终止值至少填写一个。"))
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValidationError({"upper": _("条件终止值不能小于起始值。")})
        if (
            self.household_size_min is not None
            and self.household_size_max is not None
            and self.household_size_min > self.household_size_max
        ):
            raise ValidationError({"household_size_max": _("适用人户数上限不能小于下限。")})


class QualitativeCondition(ConditionBase):
    """A.1.5 保障对象申请条件定性判断: the factor equals one of the listed values."""

    values = models.JSONField(
        _("申请条件逻辑因素值"),
        default=list,
        help_text=_('允许的取值列表，如 [false] 或 ["bachelor", "master"]。'),
    )

    class Meta:
        verbose_name = _("保障对象申请条件定性判断")
        verbose_name_plural = _("保障对象申请条件定性判断")
        ordering = ["rule_set", "mode", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "mode", "code"], name="rules_qualitative_code")
        ]

    def clean(self) -> None:
        super().clean()
        from rules.factors import factor_get

        if not isinstance(self.values, list) or not self.values:
            raise ValidationError({"values": _("请至少填写一个允许的取值（JSON 列表）。")})
        factor = factor_get(self.factor)
        if factor is not None:
            for value in self.values:
                try:
                    if factor.coerce(value) is None:
                        raise ValidationError(_("取值不能为空。"))
                except ValidationError as exc:
                    raise ValidationError({"values": exc.messages}) from exc


class ResultKind(models.TextChoices):
    VALUE = "value", _("标准值")
    FORMULA = "formula", _("公式")


class Standard(VersionedItem):
    """A.1.7 保障对象保障标准: a value (因素值现有标准), optionally per household size (人户数),
    or a formula (取用因素实际值) over factors and the version's other standards.

    ``code`` is the name formulas use. A formula may fall back to ``formula_if_unknown`` when a
    fact it needs is unknown (e.g. cap by the actual rent only when the rent is known).
    """

    code = models.CharField(_("标准代码"), max_length=64)
    name = models.CharField(_("保障标准取用因素"), max_length=100)
    measure = models.CharField(_("保障标准计量方式"), max_length=32, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("人户数"), null=True, blank=True, help_text=_("留空表示适用于所有人户数。")
    )
    value = models.DecimalField(_("因素值现有标准"), max_digits=16, decimal_places=4, null=True, blank=True)
    formula = models.TextField(_("取用因素实际值（公式）"), blank=True)
    formula_if_unknown = models.TextField(
        _("缺项时公式"), blank=True, help_text=_("公式所需事实未知时改用此公式；留空则结果为“未知”。")
    )
    is_result = models.BooleanField(
        _("列入测算结果"), default=True, help_text=_("公式的结果是否作为保障标准（金额、面积等）输出。")
    )

    class Meta:
        verbose_name = _("保障对象保障标准")
        verbose_name_plural = _("保障对象保障标准")
        ordering = ["rule_set", "mode", "order", "code"]
        constraints = [
            # One row per code and household size; one "all sizes" row (NULL) per code. Two partial
            # constraints instead of NULLS NOT DISTINCT, which SQLite (the demo database) lacks.
            models.UniqueConstraint(
                fields=["rule_set", "mode", "code", "household_size"],
                condition=models.Q(household_size__isnull=False),
                name="rules_standard_code_size",
            ),
            models.UniqueConstraint(
                fields=["rule_set", "mode", "code"],
                condition=models.Q(household_size__isnull=True),
                name="rules_standard_code_all_sizes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def kind(self) -> str:
        return ResultKind.FORMULA if self.formula else ResultKind.VALUE

    def clean(self) -> None:
        super().clean()
        import re

        if self.code and not re.fullmatch(r"[a-z_][a-z0-9_]*", self.code):
            raise ValidationError({"code": _("标准代码只能由小写字母、数字和下划线组成，且不能以数字开头。")})
        from rules.factors import factor_get

        if self.code and factor_get(self.code) is not None:
            raise ValidationError({"code": _("标准代码“%(c)s”与条件因素同名。") % {"c": self.code}})
        if bool(self.formula.strip()) == (self.value is not None):
            raise ValidationError(_("标准值和公式应填写且只填写一项。"))
        if self.formula and self.household_size is not None:
            raise ValidationError(
                {"household_size": _("公式标准不按人户数分列，请在公式中使用 household_size。")}
            )


class OrderingKind(models.TextChoices):
    PRIORITY_GROUP = "priority_group", _("优先群体")
    BASE_DATE = "base_date", _("轮候基准日期")
    BIRTH_DATE = "birth_date", _("出生日期")
    RECEIPT_NUMBER = "receipt_number", _("受理编号")
    LOTTERY = "lottery", _("摇号顺序号")
    EXPRESSION = "expression", _("其他（公式）")


class Direction(models.TextChoices):
    ASC = "asc", _("从小到大（早在前）")
    DESC = "desc", _("从大到小（晚在前）")


class OrderingCriterion(models.Model):
    """轮候排队规则 (§4.2.1-1): one criterion of a project's waitlist order, in position order.

    ``expression`` is a formula giving the value to sort by (a factor code is the simplest
    formula); a priority-group criterion lists groups as ``[{"label": …, "expression": …}]`` and
    sorts a family by the first group whose expression is true.
    """

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则模版"), on_delete=models.CASCADE, related_name="ordering_criteria"
    )
    position = models.PositiveSmallIntegerField(_("顺位"))
    kind = models.CharField(_("排序依据"), max_length=16, choices=OrderingKind.choices)
    label = models.CharField(_("名称"), max_length=100)
    expression = models.TextField(
        _("取值公式"),
        blank=True,
        help_text=_("每行一个公式，依次尝试，取第一个能算出的值（可直接填写因素代码）。"),
    )
    direction = models.CharField(
        _("排序方向"), max_length=4, choices=Direction.choices, default=Direction.ASC
    )
    priority_groups = models.JSONField(_("优先群体"), default=list, blank=True)

    class Meta:
        verbose_name = _("轮候排队规则")
        verbose_name_plural = _("轮候排队规则")
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "position"], name="rules_ordering_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"

    def audit_region_code(self) -> str:
        return self.rule_set.region_code

    def clean(self) -> None:
        if self.rule_set_id and self.rule_set.state != RuleSetState.DRAFT:
            raise ValidationError(_("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。"))
        if self.kind == OrderingKind.PRIORITY_GROUP:
            groups = self.priority_groups
            if (
                not isinstance(groups, list)
                or not groups
                or not all(isinstance(g, dict) and g.get("label") and g.get("expression") for g in groups)
            ):
                raise ValidationError(
                    {
                        "priority_groups": _(
                            "优先群体应为列表，每项含 label（名称）和 expression（条件公式）。"
                        )
                    }
                )
        elif not self.expression.strip():
            raise ValidationError({"expression": _("请填写取值公式（可直接填写因素代码）。")})


class ExchangeDirection(models.TextChoices):
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


class RuleExchangeRecord(RegionScoped):
    """A.1.12 保障规则交换信息: one rule set sent to or received from another node, with its hash,
    so a district can prove it received the city's rules unchanged."""

    direction = models.CharField(_("方向"), max_length=8, choices=ExchangeDirection.choices)
    year = models.PositiveSmallIntegerField(_("保障规则年度"))
    project_name = models.CharField(_("保障项目"), max_length=100)
    income_class = models.CharField(_("收入分类"), max_length=32, blank=True)
    special_group = models.CharField(_("特殊人群分类"), max_length=32, blank=True)
    support_project = models.CharField(_("支持项目"), max_length=100, blank=True)
    supplier_type = models.CharField(_("支持对象类型"), max_length=32, blank=True)
    modes = models.JSONField(_("保障（支持）方式"), default=list, blank=True)
    condition_factors = models.JSONField(_("保障条件因素"), default=list, blank=True)
    support_condition_factors = models.JSONField(_("支持条件因素"), default=list, blank=True)
    standard_factors = models.JSONField(_("保障标准因素"), default=list, blank=True)
    support_standard_factors = models.JSONField(_("支持标准因素"), default=list, blank=True)
    condition_values = models.JSONField(_("保障（支持）条件因素值"), default=list, blank=True)
    standard_values = models.JSONField(_("保障（支持）标准因素值"), default=list, blank=True)
    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("规则模版"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("交换内容"))
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("保障规则交换信息")
        verbose_name_plural = _("保障规则交换信息")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.project_name} {self.year} {self.sha256[:12]}"
