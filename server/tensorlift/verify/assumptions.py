"""The assumptions a proof rests on, as sentences a user reads: the numeric model's and the unit's own."""

from __future__ import annotations

from typing import assert_never

from ..kernel import nodes as k
from ..kernel.nodes import LiftUnit
from ..semantics import NumericModel


def show_kernel_expr(e: k.Expr) -> str:
    """A Kernel expression in C-like syntax, for assumption sentences and counterexamples."""
    match e:
        case k.Const(value, _):
            return repr(value)
        case k.Var(name, _):
            return name
        case k.Dim(array, axis, _):
            return f"dim({array}, {axis})"
        case k.Load(array, indices, _):
            return f"{array}[{', '.join(show_kernel_expr(i) for i in indices)}]"
        case k.Bin(op, lhs, rhs, _):
            return f"({show_kernel_expr(lhs)} {op.value} {show_kernel_expr(rhs)})"
        case k.Unary(op, operand, _):
            return f"{op.value}{show_kernel_expr(operand)}"
        case k.Call(fn, args, _):
            return f"{fn}({', '.join(show_kernel_expr(a) for a in args)})"
        case k.Select(cond, then, else_, _):
            return f"({show_kernel_expr(cond)} ? {show_kernel_expr(then)} : {show_kernel_expr(else_)})"
        case k.Cast(operand, dtype):
            return f"{dtype.value}({show_kernel_expr(operand)})"
        case _:
            assert_never(e)


def assumption_sentences(unit: LiftUnit, model: NumericModel, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    said = list(model.assumptions)
    if unit.sizes:
        said.append(f"sizes are non-negative: {', '.join(unit.sizes)}")
    said += [f"the rows of a matrix with a leading dimension do not overlap: {show_kernel_expr(a)}"
             if a in unit.layout_assumptions else f"the source assumes {show_kernel_expr(a)}" for a in unit.assumptions]
    said += [s for s in extra if s not in said]
    return tuple(said)
