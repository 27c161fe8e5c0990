"""The meaning of every operator, once: concretely (to run examples) and as Z3 terms (to prove).

Both IRs evaluate through these functions, so the Kernel side and the TensIR side of an equivalence can never
disagree about what `/` means. The numeric model is an explicit choice (`NumericModel`) and each choice adds its
assumption to every proof made under it (`NumericModel.assumptions`):

- integers: `ideal` (mathematical integers; "no overflow" is the stated assumption) or `wrap32` (two's complement
  wrap-around at the dtype's width, with bit-vectors);
- floats: `real` (real arithmetic, so reassociation holds; stated) or `ieee` (IEEE-754 with round-to-nearest-even,
  operation order preserved).

C's `/` and `%` on integers truncate (`DIV_TRUNC`, `MOD_TRUNC`); Python's `//` and `%` floor. Z3's own integer
`/` and `%` are Euclidean, which is neither, so both are built here from Euclidean division explicitly.
Math functions other than `abs`, `min`, `max` are uninterpreted in proofs (one function symbol per name and
sort), which is sound for equivalence when both sides apply the same function to equal arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import z3

from .common import BinOp, DType, ReduceOp, UnOp
from .options import FloatModel, IntModel

Number = int | float | bool


@dataclass(frozen=True, slots=True)
class NumericModel:
    ints: IntModel = "ideal"
    floats: FloatModel = "real"

    @property
    def assumptions(self) -> tuple[str, ...]:
        said: list[str] = []
        if self.ints == "ideal":
            said.append("integers are mathematical integers: no intermediate result overflows its C type")
        else:
            said.append("integers wrap around at their type's width (two's complement)")
        if self.floats == "real":
            said.append("floating-point values are modelled as reals: rounding is ignored and reassociation holds")
        else:
            said.append("floating-point arithmetic is IEEE-754 with round-to-nearest-even, in source order")
        said.append("arrays do not alias: no output array overlaps an input array")
        return tuple(said)


class EvaluationError(ArithmeticError):
    """A run of a program that has no defined result (division by zero, index out of range, empty max)."""


# ------------------------------------------------------------------------------------------------ concrete values


def _wrap(value: int, dtype: DType) -> int:
    bits = dtype.bits
    value &= (1 << bits) - 1
    if dtype.is_signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def normalise(value: Number, dtype: DType, model: NumericModel) -> Number:
    """A value as the model stores it in `dtype`: ints wrap in `wrap32`, floats are Python floats."""
    if dtype is DType.BOOL:
        return bool(value)
    if dtype.is_float:
        return float(value)
    value = int(value)
    return _wrap(value, dtype) if model.ints == "wrap32" else value


def trunc_div(a: int, b: int) -> int:
    if b == 0:
        raise EvaluationError("integer division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def trunc_mod(a: int, b: int) -> int:
    return a - b * trunc_div(a, b)


def concrete_binop(op: BinOp, a: Number, b: Number, dtype: DType, model: NumericModel) -> Number:
    """`a op b` with the result stored in `dtype` (the result type; comparisons have dtype BOOL)."""
    match op:
        case BinOp.ADD:
            r: Number = a + b
        case BinOp.SUB:
            r = a - b
        case BinOp.MUL:
            r = a * b
        case BinOp.DIV_REAL:
            if b == 0:
                raise EvaluationError("division by zero")
            r = float(a) / float(b)
        case BinOp.DIV_TRUNC:
            r = trunc_div(int(a), int(b))
        case BinOp.DIV_FLOOR:
            if b == 0:
                raise EvaluationError("integer division by zero")
            r = math.floor(a / b) if isinstance(a, float) or isinstance(b, float) else int(a) // int(b)
        case BinOp.MOD_TRUNC:
            if b == 0:
                raise EvaluationError("remainder by zero")
            r = trunc_mod(int(a), int(b)) if dtype.is_int else math.fmod(a, b)
        case BinOp.MOD_FLOOR:
            if b == 0:
                raise EvaluationError("modulo by zero")
            r = a % b
        case BinOp.MIN:
            r = a if a <= b else b
        case BinOp.MAX:
            r = a if a >= b else b
        case BinOp.LT:
            r = a < b
        case BinOp.LE:
            r = a <= b
        case BinOp.GT:
            r = a > b
        case BinOp.GE:
            r = a >= b
        case BinOp.EQ:
            r = a == b
        case BinOp.NE:
            r = a != b
        case BinOp.AND:
            r = bool(a) and bool(b)
        case BinOp.OR:
            r = bool(a) or bool(b)
    return normalise(r, dtype, model)


def concrete_unop(op: UnOp, a: Number, dtype: DType, model: NumericModel) -> Number:
    match op:
        case UnOp.NEG:
            return normalise(-a, dtype, model)
        case UnOp.NOT:
            return not a


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


_CONCRETE_MATH: dict[str, Any] = {
    "abs": abs, "sqrt": math.sqrt, "exp": math.exp, "log": math.log, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "tanh": math.tanh, "sigmoid": _sigmoid, "floor": math.floor, "ceil": math.ceil,
    "pow": math.pow, "rsqrt": lambda x: 1.0 / math.sqrt(x), "erf": math.erf,
}


def concrete_call(fn: str, args: tuple[Number, ...], dtype: DType, model: NumericModel) -> Number:
    try:
        value = _CONCRETE_MATH[fn](*args)
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        raise EvaluationError(f"{fn}{args}: {error}") from error
    return normalise(value, dtype, model)


def concrete_cast(a: Number, dtype: DType, model: NumericModel) -> Number:
    if dtype.is_int and isinstance(a, float):
        if math.isnan(a) or math.isinf(a):
            raise EvaluationError(f"cannot convert {a} to an integer")
        a = math.trunc(a)  # C's (int)x and Python's int(x) both truncate
    return normalise(a, dtype, model)


def reduce_identity(op: ReduceOp, dtype: DType) -> Number | None:
    """The value of a reduction over an empty range, or None where it has none (max and min)."""
    match op:
        case ReduceOp.SUM:
            return 0.0 if dtype.is_float else 0
        case ReduceOp.PROD:
            return 1.0 if dtype.is_float else 1
        case ReduceOp.MAX | ReduceOp.MIN:
            return None


def reduce_binop(op: ReduceOp) -> BinOp:
    return {ReduceOp.SUM: BinOp.ADD, ReduceOp.PROD: BinOp.MUL, ReduceOp.MAX: BinOp.MAX,
            ReduceOp.MIN: BinOp.MIN}[op]


# -------------------------------------------------------------------------------------------------- Z3 semantics


class Z3Semantics:
    """Builds Z3 terms for one numeric model. Holds the uninterpreted math functions, so one instance must serve
    both sides of an equivalence (the same `sqrt` symbol on each)."""

    def __init__(self, model: NumericModel) -> None:
        self.model = model
        self._functions: dict[tuple[str, str], z3.FuncDeclRef] = {}

    # sorts and constants

    def sort(self, dtype: DType) -> z3.SortRef:
        if dtype is DType.BOOL:
            return z3.BoolSort()
        if dtype.is_float:
            if self.model.floats == "real":
                return z3.RealSort()
            return z3.Float32() if dtype is DType.F32 else z3.Float64()
        if self.model.ints == "wrap32":
            return z3.BitVecSort(dtype.bits)
        return z3.IntSort()

    def const(self, value: Number, dtype: DType) -> z3.ExprRef:
        if dtype is DType.BOOL:
            return z3.BoolVal(bool(value))
        if dtype.is_float:
            if self.model.floats == "real":
                return z3.RealVal(repr(float(value))) if not float(value).is_integer() else z3.RealVal(int(value))
            return z3.FPVal(float(value), self.sort(dtype))
        if self.model.ints == "wrap32":
            return z3.BitVecVal(int(value), dtype.bits)
        return z3.IntVal(int(value))

    def fresh(self, name: str, dtype: DType) -> z3.ExprRef:
        return z3.Const(name, self.sort(dtype))

    # conversions

    def convert(self, term: z3.ExprRef, source: DType, target: DType) -> z3.ExprRef:
        """Convert `term` of dtype `source` to `target` as C does (float -> int truncates)."""
        if source is target or (self.sort(source) == self.sort(target) and source.is_float == target.is_float):
            return term
        if target is DType.BOOL:
            return term != self.const(0, source)
        if source is DType.BOOL:
            return z3.If(term, self.const(1, target), self.const(0, target))
        if source.is_int and target.is_int:  # only reached with bit-vectors of different widths
            if target.bits > source.bits:
                ext = z3.SignExt if source.is_signed else z3.ZeroExt
                return ext(target.bits - source.bits, term)
            return z3.Extract(target.bits - 1, 0, term)
        if source.is_int and target.is_float:
            if self.model.floats == "real":
                return z3.ToReal(term) if self.model.ints == "ideal" else z3.ToReal(
                    z3.BV2Int(term, is_signed=source.is_signed))
            if self.model.ints == "ideal":
                return z3.fpRealToFP(z3.RNE(), z3.ToReal(term), self.sort(target))
            return (z3.fpSignedToFP if source.is_signed else z3.fpUnsignedToFP)(z3.RNE(), term, self.sort(target))
        if source.is_float and target.is_int:
            if self.model.floats == "real":
                truncated = z3.If(term >= 0, z3.ToInt(term), -z3.ToInt(-term))
                return truncated if self.model.ints == "ideal" else z3.Int2BV(truncated, target.bits)
            if self.model.ints == "ideal":
                return z3.ToInt(z3.fpToReal(z3.fpRoundToIntegral(z3.RTZ(), term)))
            return (z3.fpToSBV if target.is_signed else z3.fpToUBV)(z3.RTZ(), term, z3.BitVecSort(target.bits))
        # float -> float of another width (ieee only)
        return z3.fpFPToFP(z3.RNE(), term, self.sort(target))

    # operators

    def binop(self, op: BinOp, a: z3.ExprRef, b: z3.ExprRef, operand: DType, result: DType) -> z3.ExprRef:
        """`a op b` where both operands already have dtype `operand`; the result has dtype `result`."""
        ieee = operand.is_float and self.model.floats == "ieee"
        bv = operand.is_int and self.model.ints == "wrap32"
        match op:
            case BinOp.ADD:
                return z3.fpAdd(z3.RNE(), a, b) if ieee else a + b
            case BinOp.SUB:
                return z3.fpSub(z3.RNE(), a, b) if ieee else a - b
            case BinOp.MUL:
                return z3.fpMul(z3.RNE(), a, b) if ieee else a * b
            case BinOp.DIV_REAL:
                return z3.fpDiv(z3.RNE(), a, b) if ieee else a / b
            case BinOp.DIV_TRUNC:
                if bv:
                    return a / b if operand.is_signed else z3.UDiv(a, b)  # bit-vector `/` is signed, truncating
                return self._trunc_div(a, b)
            case BinOp.MOD_TRUNC:
                if operand.is_float:
                    return z3.fpRem(a, b) if ieee else self._real_fmod(a, b)
                if bv:
                    return z3.SRem(a, b) if operand.is_signed else z3.URem(a, b)
                return a - b * self._trunc_div(a, b)
            case BinOp.DIV_FLOOR:
                if operand.is_float:
                    return self._floor(a / b) if not ieee else z3.fpRoundToIntegral(z3.RTN(), z3.fpDiv(
                        z3.RNE(), a, b))
                if bv:
                    q = a / b
                    return z3.If(z3.And(z3.SRem(a, b) != 0, (a < 0) != (b < 0)), q - 1, q)
                return self._floor_div(a, b)
            case BinOp.MOD_FLOOR:
                if operand.is_float:
                    return a - b * self._floor(a / b)
                if bv:
                    return a % b  # z3py: bvsmod, the sign of the divisor, like Python
                return a - b * self._floor_div(a, b)
            case BinOp.MIN:
                return z3.If(self._le(a, b, operand), a, b)
            case BinOp.MAX:
                return z3.If(self._ge(a, b, operand), a, b)
            case BinOp.LT:
                return z3.fpLT(a, b) if ieee else (z3.ULT(a, b) if bv and not operand.is_signed else a < b)
            case BinOp.LE:
                return self._le(a, b, operand)
            case BinOp.GT:
                return z3.fpGT(a, b) if ieee else (z3.UGT(a, b) if bv and not operand.is_signed else a > b)
            case BinOp.GE:
                return self._ge(a, b, operand)
            case BinOp.EQ:
                return z3.fpEQ(a, b) if ieee else a == b
            case BinOp.NE:
                return z3.Not(z3.fpEQ(a, b)) if ieee else a != b
            case BinOp.AND:
                return z3.And(a, b)
            case BinOp.OR:
                return z3.Or(a, b)
        raise AssertionError(op)

    def unop(self, op: UnOp, a: z3.ExprRef, dtype: DType) -> z3.ExprRef:
        match op:
            case UnOp.NEG:
                return z3.fpNeg(a) if dtype.is_float and self.model.floats == "ieee" else -a
            case UnOp.NOT:
                return z3.Not(a)

    def call(self, fn: str, args: tuple[z3.ExprRef, ...], dtype: DType) -> z3.ExprRef:
        if fn == "abs":
            (x,) = args
            if dtype.is_float and self.model.floats == "ieee":
                return z3.fpAbs(x)
            return z3.If(self._ge(x, self.const(0, dtype), dtype), x, -x)
        key = (fn, str(self.sort(dtype)))
        if key not in self._functions:
            domain = [a.sort() for a in args]
            self._functions[key] = z3.Function(f"{fn}_{len(self._functions)}", *domain, self.sort(dtype))
        return self._functions[key](*args)

    def select(self, cond: z3.ExprRef, then: z3.ExprRef, else_: z3.ExprRef) -> z3.ExprRef:
        return z3.If(cond, then, else_)

    def equal(self, a: z3.ExprRef, b: z3.ExprRef, dtype: DType) -> z3.BoolRef:
        """Equality of results: IEEE values compare bit-for-bit except that all NaNs are equal."""
        if dtype.is_float and self.model.floats == "ieee":
            return z3.Or(a == b, z3.And(z3.fpIsNaN(a), z3.fpIsNaN(b)))
        return a == b

    # helpers

    def _le(self, a: z3.ExprRef, b: z3.ExprRef, dtype: DType) -> z3.ExprRef:
        if dtype.is_float and self.model.floats == "ieee":
            return z3.fpLEQ(a, b)
        if dtype.is_int and self.model.ints == "wrap32" and not dtype.is_signed:
            return z3.ULE(a, b)
        return a <= b

    def _ge(self, a: z3.ExprRef, b: z3.ExprRef, dtype: DType) -> z3.ExprRef:
        if dtype.is_float and self.model.floats == "ieee":
            return z3.fpGEQ(a, b)
        if dtype.is_int and self.model.ints == "wrap32" and not dtype.is_signed:
            return z3.UGE(a, b)
        return a >= b

    @staticmethod
    def _trunc_div(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        # |a| / |b| with the sign of a*b; Z3's Euclidean `/` equals floor division for non-negative operands.
        magnitude = z3.If(a >= 0, a, -a) / z3.If(b >= 0, b, -b)
        return z3.If((a >= 0) == (b >= 0), magnitude, -magnitude)

    @staticmethod
    def _floor_div(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        # Euclidean q satisfies a = b*q + r with 0 <= r < |b|: equal to floor for b > 0, one less for b < 0, r > 0.
        q = a / b
        return z3.If(z3.And(b < 0, a % b != 0), q - 1, q)

    @staticmethod
    def _floor(x: z3.ArithRef) -> z3.ArithRef:
        return z3.ToReal(z3.ToInt(x))

    def _real_fmod(self, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
        quotient = a / b
        truncated = z3.If(quotient >= 0, z3.ToReal(z3.ToInt(quotient)), -z3.ToReal(z3.ToInt(-quotient)))
        return a - b * truncated


# ------------------------------------------------------------------------------------------------------- domains
#
# Each IR has ONE evaluator, written against `Domain`; running it over `ConcreteDomain` makes examples, running it
# over `Z3Domain` (with concrete sizes) is symbolic execution for the bounded verifier. Loop bounds and indices
# are always concrete (`Domain.index`); branch conditions may be symbolic (`Domain.truth` answers None, and the
# evaluator merges both branches with `select`).


class ConcreteDomain:
    def __init__(self, model: NumericModel = NumericModel()) -> None:
        self.model = model

    def const(self, value: Number, dtype: DType) -> Number:
        return normalise(value, dtype, self.model)

    def binop(self, op: BinOp, a: Number, b: Number, operand: DType, result: DType) -> Number:
        return concrete_binop(op, a, b, result, self.model)

    def unop(self, op: UnOp, a: Number, dtype: DType) -> Number:
        return concrete_unop(op, a, dtype, self.model)

    def call(self, fn: str, args: tuple[Number, ...], dtype: DType) -> Number:
        return concrete_call(fn, args, dtype, self.model)

    def cast(self, a: Number, source: DType, target: DType) -> Number:
        return concrete_cast(a, target, self.model)

    def select(self, cond: Number, then: Number, else_: Number) -> Number:
        return then if cond else else_

    def truth(self, cond: Number) -> bool | None:
        return bool(cond)

    def index(self, value: Number) -> int:
        if isinstance(value, float):
            raise EvaluationError(f"array index {value} is not an integer")
        return int(value)


class Z3Domain:
    def __init__(self, semantics: Z3Semantics) -> None:
        self.semantics = semantics

    def const(self, value: Number, dtype: DType) -> z3.ExprRef:
        return self.semantics.const(value, dtype)

    def binop(self, op: BinOp, a: z3.ExprRef, b: z3.ExprRef, operand: DType, result: DType) -> z3.ExprRef:
        return self.semantics.binop(op, a, b, operand, result)

    def unop(self, op: UnOp, a: z3.ExprRef, dtype: DType) -> z3.ExprRef:
        return self.semantics.unop(op, a, dtype)

    def call(self, fn: str, args: tuple[z3.ExprRef, ...], dtype: DType) -> z3.ExprRef:
        return self.semantics.call(fn, args, dtype)

    def cast(self, a: z3.ExprRef, source: DType, target: DType) -> z3.ExprRef:
        return self.semantics.convert(a, source, target)

    def select(self, cond: z3.ExprRef, then: z3.ExprRef, else_: z3.ExprRef) -> z3.ExprRef:
        return self.semantics.select(cond, then, else_)

    def truth(self, cond: z3.ExprRef) -> bool | None:
        folded = z3.simplify(cond)
        if z3.is_true(folded):
            return True
        if z3.is_false(folded):
            return False
        return None

    def index(self, value: z3.ExprRef) -> int:
        folded = z3.simplify(value)
        if z3.is_int_value(folded):
            return int(folded.as_long())
        if z3.is_bv_value(folded):
            return int(folded.as_signed_long())
        raise EvaluationError("an array index depends on array contents (a gather); not supported")


Domain = ConcreteDomain | Z3Domain
