"""以奖代补 formulas: administrator-entered arithmetic, evaluated safely in Decimal.

simpleeval walks the expression's AST with a whitelist of operators and functions (no attribute
access, no imports, no calls beyond the ones named here), so a formula typed in a form cannot run
code. Numbers in the formula are read as Decimal so money and scores never pass through floats
(DESIGN §4 rule 5).
"""

from __future__ import annotations

import ast
import operator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from simpleeval import EvalWithCompoundTypes, InvalidExpression

MAX_FORMULA_LENGTH = 500


class FormulaError(ValueError):
    """A formula that cannot be evaluated; the message is Chinese and shown next to the field."""


def _round(value, places=2):
    return Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


class _DecimalEval(EvalWithCompoundTypes):
    """simpleeval with number literals as Decimal (``0.3`` is Decimal('0.3'), not a binary float)."""

    def _eval_constant(self, node):
        if isinstance(node.value, float | int) and not isinstance(node.value, bool):
            return Decimal(str(node.value))
        return super()._eval_constant(node)


def formula_evaluate(formula: str, *, x: Decimal) -> Decimal:
    """Evaluate ``formula`` with ``x`` = the factor's statistic; the result rounded half-up to 2 places."""
    if not formula or len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(_("公式不能为空，且不超过500个字符。"))
    evaluator = _DecimalEval(
        names={"x": Decimal(x)},
        functions={"min": min, "max": max, "round": _round, "abs": abs},
        operators={
            ast.Add: operator.add,
            ast.Sub: operator.sub,
            ast.Mult: operator.mul,
            ast.Div: operator.truediv,
            ast.USub: operator.neg,
            ast.UAdd: operator.pos,
        },
    )
    try:
        result = evaluator.eval(formula)
    except ZeroDivisionError as exc:
        raise FormulaError(_("公式中出现除以零。")) from exc
    except (InvalidExpression, SyntaxError, TypeError, InvalidOperation, KeyError) as exc:
        raise FormulaError(_("公式无法计算，请检查变量名和运算符：%(error)s") % {"error": exc}) from exc
    if not isinstance(result, Decimal | int):
        raise FormulaError(_("公式的结果应为数值。"))
    return _round(result)
