"""The formula language of standards: a small, safe subset of Python expressions via ``simpleeval``.

An administrator writes e.g. ``max(0, price * (min(area_per_person * counted_persons, area_cap)
- per_capita_floor_area * household_size))``. Allowed: numbers, strings, ``True``/``False``,
``+ - * / //  %``, comparisons, ``and or not``, ``x if c else y``, and the functions ``min``,
``max``, ``round_half_up``. Names are factor codes and the rule set's standard codes. No
attribute access, subscripts, f-strings or other functions (never ``eval``).

Arithmetic is ``Decimal`` throughout: number literals and integer facts become ``Decimal`` so
``1.5 * 15`` is exact and money is never a float (DESIGN §4 rule 5).
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import simpleeval
from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def round_half_up(value: Any, places: Any = 2) -> Decimal:
    """四舍五入 to ``places`` decimals (the bankers' rounding of ``round()`` is not what a policy means)."""
    if not isinstance(value, Decimal) or isinstance(places, bool):
        raise FormulaTypeError(_("round_half_up 只能用于数值。"))
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _min(*args: Any) -> Any:
    if not args:
        raise FormulaTypeError(_("min 至少需要一个参数。"))
    _check_same_kind(args, "min")
    return min(args)


def _max(*args: Any) -> Any:
    if not args:
        raise FormulaTypeError(_("max 至少需要一个参数。"))
    _check_same_kind(args, "max")
    return max(args)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal | int):
        return "number"
    if isinstance(value, datetime.date):
        return "date"
    return type(value).__name__


def _check_same_kind(args: Iterable[Any], name: str) -> None:
    kinds = {_kind(a) for a in args}
    if len(kinds) > 1 or kinds & {"boolean", "str"}:
        raise FormulaTypeError(_("%(f)s 的参数应同为数值或同为日期。") % {"f": name})


FUNCTIONS = {"min": _min, "max": _max, "round_half_up": round_half_up}
OPERATORS = simpleeval.DEFAULT_OPERATORS.copy()
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
for _dropped in (ast.BitXor, ast.BitOr, ast.BitAnd, ast.Invert, ast.LShift, ast.RShift, ast.Is, ast.IsNot):
    OPERATORS.pop(_dropped, None)
CONSTANTS = {"True": True, "False": False}


class FormulaError(Exception):
    """A formula that cannot be evaluated; ``message`` is Chinese and shown to the administrator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FormulaTypeError(FormulaError):
    pass


class FormulaDivisionByZero(FormulaError):
    pass


class UnknownName(FormulaError):
    """A name the formula needs has no value: an unknown fact at evaluation, a typo at validation."""

    def __init__(self, name: str):
        super().__init__(_("未知的名称“%(n)s”。") % {"n": name})
        self.name = name


class _Evaluator(simpleeval.SimpleEval):
    """simpleeval restricted further: Decimal literals, strict types, no attributes or subscripts."""

    def __init__(self, names: Mapping[str, Any]):
        super().__init__(operators=OPERATORS, functions=FUNCTIONS, names=names)
        self.nodes = {
            ast.Expr: self._eval_expr,
            ast.Name: self._eval_name,
            ast.UnaryOp: self._eval_unaryop,
            ast.BinOp: self._strict_binop,
            ast.BoolOp: self._strict_boolop,
            ast.Compare: self._eval_compare,
            ast.IfExp: self._strict_ifexp,
            ast.Call: self._eval_call,
            ast.Constant: self._decimal_constant,
        }

    def _eval_name(self, node: ast.Name) -> Any:
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        try:
            return self.names[node.id]
        except KeyError:
            raise UnknownName(node.id) from None

    def _decimal_constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool) or isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        raise FormulaTypeError(_("不支持的常量“%(v)s”。") % {"v": value})

    def _strict_binop(self, node: ast.BinOp) -> Any:
        left = self._eval(node.left)
        right = self._eval(node.right)
        if not (isinstance(left, Decimal) and isinstance(right, Decimal)):
            raise FormulaTypeError(
                _("算术运算只能用于数值，这里用到了%(a)s和%(b)s。")
                % {"a": _kind_label(left), "b": _kind_label(right)}
            )
        try:
            return self.operators[type(node.op)](left, right)
        except ZeroDivisionError:
            raise FormulaDivisionByZero(_("除数为零。")) from None
        except InvalidOperation:
            raise FormulaDivisionByZero(_("除数为零或运算无意义。")) from None

    def _strict_boolop(self, node: ast.BoolOp) -> Any:
        values = [self._eval(v) for v in node.values]
        if not all(isinstance(v, bool) for v in values):
            raise FormulaTypeError(_("and / or 两边应为“是/否”的值。"))
        return all(values) if isinstance(node.op, ast.And) else any(values)

    def _strict_ifexp(self, node: ast.IfExp) -> Any:
        test = self._eval(node.test)
        if not isinstance(test, bool):
            raise FormulaTypeError(_("“… if 条件 else …”中的条件应为“是/否”的值。"))
        return self._eval(node.body) if test else self._eval(node.orelse)

    def _eval_unaryop(self, node: ast.UnaryOp) -> Any:
        operand = self._eval(node.operand)
        if isinstance(node.op, ast.Not):
            if not isinstance(operand, bool):
                raise FormulaTypeError(_("not 只能用于“是/否”的值。"))
            return not operand
        if not isinstance(operand, Decimal):
            raise FormulaTypeError(_("正负号只能用于数值。"))
        return self.operators[type(node.op)](operand)

    def _eval_compare(self, node: ast.Compare) -> Any:
        try:
            return super()._eval_compare(node)
        except TypeError:
            raise FormulaTypeError(_("比较的两边类型不一致（如数值与文字、日期与数值）。")) from None


def _kind_label(value: Any) -> str:
    return {
        "boolean": _("是/否"),
        "number": _("数值"),
        "date": _("日期"),
        "str": _("文字"),
    }.get(_kind(value), _kind(value))


@dataclass(frozen=True)
class Formula:
    """A parsed formula: parse once, evaluate many times (the engine keeps these in its cache)."""

    source: str
    tree: ast.AST
    names: frozenset[str]

    def evaluate(self, names: Mapping[str, Any], *, evaluator: _Evaluator | None = None) -> Any:
        """The formula's value for ``names``; ``evaluator`` (from ``formula_evaluator(names)``) may
        be shared by several formulas over the same names, to save building one per formula."""
        if evaluator is None:
            evaluator = _Evaluator(names)
        evaluator.expr = self.source
        try:
            return evaluator._eval(self.tree)
        except FormulaError:
            raise
        except simpleeval.FunctionNotDefined as exc:
            raise FormulaError(
                _("不允许使用函数“%(f)s”，只能用 min、max、round_half_up。") % {"f": exc.func_name}
            ) from None
        except simpleeval.FeatureNotAvailable:
            raise FormulaError(_("公式中使用了不支持的写法。")) from None
        except TypeError as exc:
            raise FormulaTypeError(_("参数类型不正确：%(e)s") % {"e": exc}) from None
        except ZeroDivisionError:
            raise FormulaDivisionByZero(_("除数为零。")) from None


def formula_evaluator(names: Mapping[str, Any]) -> _Evaluator:
    return _Evaluator(names)


def formula_parse(source: str) -> Formula:
    """Parse ``source`` or raise ``FormulaError`` with a Chinese message."""
    text = (source or "").strip()
    if not text:
        raise FormulaError(_("公式不能为空。"))
    try:
        module = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        if exc.offset:
            raise FormulaError(_("公式语法错误（第 %(col)s 个字符附近）。") % {"col": exc.offset}) from None
        raise FormulaError(_("公式语法错误，请检查括号和运算符是否完整。")) from None
    names = set()
    for node in ast.walk(module.body):
        if isinstance(node, ast.Name) and node.id not in CONSTANTS:
            names.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise FormulaError(_("只能调用 min、max、round_half_up 函数。"))
            if node.keywords:
                raise FormulaError(_("函数参数不能使用“名称=值”的写法。"))
        elif not isinstance(
            node,
            ast.Expr
            | ast.UnaryOp
            | ast.BinOp
            | ast.BoolOp
            | ast.Compare
            | ast.IfExp
            | ast.Constant
            | ast.operator
            | ast.unaryop
            | ast.boolop
            | ast.cmpop
            | ast.expr_context
            | ast.Load,
        ):
            raise FormulaError(_("公式中使用了不支持的写法“%(w)s”。") % {"w": type(node).__name__})
    names -= set(FUNCTIONS)
    return Formula(source=text, tree=module.body, names=frozenset(names))


def sample_name_sets(samples: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """Two assignments of sample values, varying booleans and numbers, to exercise both branches."""
    first: dict[str, Any] = {}
    second: dict[str, Any] = {}
    for name, values in samples.items():
        values = list(values)
        first[name] = values[0]
        second[name] = values[-1]
    return [first, second]


def formula_check(
    source: str, *, samples: Mapping[str, list[Any]], expect: str = "value"
) -> tuple[list[str], Any]:
    """Validate a formula by parsing it and evaluating it with sample values of the right types.

    ``samples`` maps every allowed name to one or more sample values; ``expect`` is "value"
    (a number or text), "number", "boolean" or "any". Returns (Chinese error messages, the value
    computed from the first sample set, or None). A division by zero is reported only when it
    happens for every sample set, so ``x / (household_size - 3)`` is not refused because a sample
    happened to be 3, while ``x / 0`` or ``x / (area_cap - 60)`` with a cap of 60 is.
    """
    try:
        formula = formula_parse(source)
    except FormulaError as exc:
        return [exc.message], None
    unknown = sorted(formula.names - set(samples))
    if unknown:
        return [_("未知的名称“%(n)s”。") % {"n": name} for name in unknown], None
    errors: list[str] = []
    divisions = 0
    result = None
    name_sets = sample_name_sets(samples)
    for index, names in enumerate(name_sets):
        try:
            value = formula.evaluate(names)
        except FormulaDivisionByZero as exc:
            divisions += 1
            if divisions == len(name_sets):
                errors.append(exc.message)
            continue
        except FormulaError as exc:
            if exc.message not in errors:
                errors.append(exc.message)
            continue
        message = _result_type_error(value, expect)
        if message and message not in errors:
            errors.append(message)
        if index == 0:
            result = value
    return errors, result


def _result_type_error(value: Any, expect: str) -> str | None:
    if expect == "any":
        return None
    if expect == "boolean" and not isinstance(value, bool):
        return _("公式的结果应为“是/否”。")
    if expect == "number" and (isinstance(value, bool) or not isinstance(value, Decimal)):
        return _("公式的结果应为数值。")
    if expect == "value" and (isinstance(value, bool) or not isinstance(value, Decimal | str)):
        return _("公式的结果应为数值或文字，不能是%(k)s。") % {"k": _kind_label(value)}
    return None


def to_formula_value(value: Any) -> Any:
    """A fact as formulas see it: integers become Decimal so ``/`` never yields a float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def quantize_amount(value: Any) -> Any:
    """A result as reported: numbers rounded half-up to 0.01 once, at the end."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value
