"""The shared Z3 vocabulary of one proof with symbolic sizes, and the index/value views of integers.

Sizes, loop variables and every integer scalar used as an index are mathematical integers (`Int`) whatever the
numeric model: they are what index arithmetic means. Where such a scalar appears as a *value* it is converted to
the model's sort (`to_value`: a bit-vector in `wrap32`, a real for floats); in `wrap32` the facts say it fits its
type. Arrays of any rank are n-ary Z3 arrays from `Int`s to the element sort, so out-of-range elements exist but
are never compared. Both sides of an equivalence share one `Symbols`, hence the same input constants.
"""

from __future__ import annotations

import itertools

import z3

from ..common import BinOp, DType, UnOp, promote
from ..semantics import NumericModel, Z3Semantics


class Unsupported(Exception):
    """A construct the inductive prover does not translate; the message says which."""


class Symbols:
    def __init__(self, semantics: Z3Semantics, sizes: tuple[str, ...] = ()) -> None:
        self.sem = semantics
        self.sizes = frozenset(sizes)
        self.facts: list[z3.BoolRef] = []  # ranges of sizes, extents and integer inputs
        self._ints: dict[str, z3.ArithRef] = {}
        self._values: dict[str, z3.ExprRef] = {}
        self._arrays: dict[str, z3.ArrayRef] = {}
        self._dims: dict[tuple[str, int], z3.ArithRef] = {}
        self._counter = itertools.count()

    # inputs

    def int_scalar(self, name: str, dtype: DType = DType.I64) -> z3.ArithRef:
        if name not in self._ints:
            term = z3.Int(name)
            self._ints[name] = term
            if name in self.sizes:
                self.facts.append(term >= 0)
            if self.sem.model.ints == "wrap32" and dtype.is_int:
                low, high = (-(2 ** (dtype.bits - 1)), 2 ** (dtype.bits - 1)) if dtype.is_signed else (0, 2**dtype.bits)
                self.facts.append(z3.And(term >= low, term < high))
        return self._ints[name]

    def value_scalar(self, name: str, dtype: DType) -> z3.ExprRef:
        if name not in self._values:
            self._values[name] = self.sem.fresh(name, dtype)
        return self._values[name]

    def array(self, name: str, rank: int, dtype: DType) -> z3.ArrayRef:
        if name not in self._arrays:
            self._arrays[name] = z3.Array(name, *([z3.IntSort()] * rank), self.sem.sort(dtype))
        return self._arrays[name]

    def dim(self, array: str, axis: int) -> z3.ArithRef:
        key = (array, axis)
        if key not in self._dims:
            term = z3.Int(f"dim_{array}_{axis}")
            self._dims[key] = term
            self.facts.append(term >= 0)
        return self._dims[key]

    # fresh names

    def fresh_int(self, prefix: str) -> z3.ArithRef:
        return z3.Int(f"{prefix}!{next(self._counter)}")

    def fresh(self, prefix: str, sort: z3.SortRef) -> z3.ExprRef:
        return z3.Const(f"{prefix}!{next(self._counter)}", sort)

    def fresh_array(self, prefix: str, rank: int, dtype: DType) -> z3.ArrayRef:
        return z3.Array(f"{prefix}!{next(self._counter)}", *([z3.IntSort()] * rank), self.sem.sort(dtype))

    # views

    def to_value(self, term: z3.ArithRef, dtype: DType) -> z3.ExprRef:
        """An integer (index view) as a value of `dtype`."""
        model = self.sem.model
        if dtype is DType.BOOL:
            return term != 0
        if dtype.is_float:
            if model.floats == "real":
                return z3.ToReal(term)
            return z3.fpRealToFP(z3.RNE(), z3.ToReal(term), self.sem.sort(dtype))
        if model.ints == "wrap32":
            return z3.Int2BV(term, dtype.bits)
        return term

    def to_index(self, term: z3.ExprRef, dtype: DType) -> z3.ArithRef:
        """A value of integer `dtype` as an index."""
        if dtype.is_float:
            raise Unsupported("a floating-point value is used as an index")
        if dtype is DType.BOOL:
            return z3.If(term, z3.IntVal(1), z3.IntVal(0))
        if self.sem.model.ints == "wrap32":
            return z3.BV2Int(term, is_signed=dtype.is_signed)
        return term


def operand_dtype(op: BinOp, lhs: DType, rhs: DType) -> DType:
    """The dtype both operands are converted to (C's usual conversions; Python int / int is a float)."""
    if op.is_logical:
        return DType.BOOL
    common = promote(lhs, rhs)
    if op is BinOp.DIV_REAL and not common.is_float:
        return DType.F64
    return common


_INDEX_OPS = frozenset({BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV_TRUNC, BinOp.DIV_FLOOR, BinOp.MOD_TRUNC,
                        BinOp.MOD_FLOOR, BinOp.MIN, BinOp.MAX})
_IDEAL = Z3Semantics(NumericModel())


def int_binop(op: BinOp, a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Index arithmetic on ideal integers through the shared semantics, so C's `/` truncates here too."""
    if op not in _INDEX_OPS:
        raise Unsupported(f"operator {op.value} in an index expression")
    return _IDEAL.binop(op, a, b, DType.I64, DType.I64)


class UninterpretedFloats(Z3Semantics):
    """IEEE floats for the inductive prover: every floating-point operation (arithmetic, comparison, conversion,
    math function) is an uninterpreted function of its operands.

    A proof under this semantics holds for every interpretation of those functions, IEEE-754 with round-to-nearest
    among them; it shows both sides apply the same operations to the same values in the same order. That is all
    an order-preserving lift needs, and it keeps bit-blasted float theories out of quantified array reasoning.
    (Reassociating candidates fail, as they must under IEEE; they stay bounded.)
    """

    def __init__(self, model: NumericModel) -> None:
        super().__init__(model)
        self._abstract: dict[tuple[str, tuple[str, ...], str], z3.FuncDeclRef] = {}

    def _apply(self, name: str, args: tuple[z3.ExprRef, ...], result: z3.SortRef) -> z3.ExprRef:
        key = (name, tuple(str(a.sort()) for a in args), str(result))
        if key not in self._abstract:
            self._abstract[key] = z3.Function(f"ieee_{name}_{len(self._abstract)}", *[a.sort() for a in args],
                                              result)
        return self._abstract[key](*args)

    def binop(self, op: BinOp, a: z3.ExprRef, b: z3.ExprRef, operand: DType, result: DType) -> z3.ExprRef:
        if not operand.is_float:
            return super().binop(op, a, b, operand, result)
        if op is BinOp.MIN:
            return z3.If(self._apply("le", (a, b), z3.BoolSort()), a, b)
        if op is BinOp.MAX:
            return z3.If(self._apply("ge", (a, b), z3.BoolSort()), a, b)
        if op.is_logical:
            return super().binop(op, a, b, operand, result)
        return self._apply(op.name.lower(), (a, b), self.sort(result))

    def unop(self, op: UnOp, a: z3.ExprRef, dtype: DType) -> z3.ExprRef:
        if op is UnOp.NEG and dtype.is_float:
            return self._apply("neg", (a,), self.sort(dtype))
        return super().unop(op, a, dtype)

    def call(self, fn: str, args: tuple[z3.ExprRef, ...], dtype: DType) -> z3.ExprRef:
        if any(_is_float_sort(a.sort()) for a in args) or dtype.is_float:
            return self._apply(fn, args, self.sort(dtype))
        return super().call(fn, args, dtype)

    def convert(self, term: z3.ExprRef, source: DType, target: DType) -> z3.ExprRef:
        if (source.is_float or target.is_float) and self.sort(source) != self.sort(target):
            return self._apply(f"{source.value}_to_{target.value}", (term,), self.sort(target))
        return super().convert(term, source, target)

    def equal(self, a: z3.ExprRef, b: z3.ExprRef, dtype: DType) -> z3.BoolRef:
        return a == b  # the same term: equal under every interpretation (stronger than IEEE's NaN-aware equality)


def _is_float_sort(sort: z3.SortRef) -> bool:
    return sort.kind() == z3.Z3_FLOATING_POINT_SORT


def proof_semantics(model: NumericModel) -> Z3Semantics:
    return UninterpretedFloats(model) if model.floats == "ieee" else Z3Semantics(model)
