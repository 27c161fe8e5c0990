"""The one TensIR evaluator, written against `semantics.Domain`.

Over `ConcreteDomain` it runs candidates on examples (thousands of times a second during search); over `Z3Domain`
(with concrete sizes) it is the TensIR side of the bounded verifier. A program is compiled once per domain into
Python closures (`compile_program`, cached), so a run pays no tree walking per element.

Values: a domain scalar (a Python number, or a z3 term) or a numpy array of `dtype=object` holding domain scalars.
Index expressions and ranges are integers: they are computed with Python integers where every leaf is an integer
(index variables, sizes, constants), and otherwise evaluated in the domain and read back with `domain.index`.

Semantics (see `nodes`): each statement computes every element of its domain from the state before it and writes
the results after (so `a(i) = a(i) + b(i)` is in place); elements outside the domain keep their values; a new
target's shape is its domain's extents. `select`, `&&` and `||` evaluate only the side their condition picks when
the domain can decide it (`domain.truth`), so `select(i > 0, a(i - 1), 0.0)` never reads `a(-1)`; a symbolic
condition evaluates both sides and merges them with `domain.select`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, assert_never

import numpy as np

from ..common import BinOp, DType, UnOp
from ..semantics import (
    ConcreteDomain,
    Domain,
    EvaluationError,
    NumericModel,
    Z3Domain,
    reduce_binop,
    reduce_identity,
    trunc_div,
    trunc_mod,
)
from .nodes import (
    Access,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    Idx,
    Program,
    Reduce,
    Scalar,
    Select,
    Statement,
    Unary,
)
from .typecheck import operand_dtype

Value = Any  # a domain scalar or an ndarray of them (dtype=object)
State = dict[str, Value]
Indices = dict[str, int]
Eval = Callable[[Indices, State], Any]
IntEval = Callable[[Indices, State], int]
Runner = Callable[[Mapping[str, Value]], dict[str, Value]]


def run(program: Program, inputs: Mapping[str, Value], domain: Domain) -> dict[str, Value]:
    """The final environment: `inputs` (never modified) updated by each statement, plus the new targets. Raises
    `EvaluationError` where the program has no defined result (index out of range, division by zero, empty max)."""
    return compile_program(program, domain)(inputs)


def compile_program(program: Program, domain: Domain) -> Runner:
    """`program` as a function of its inputs, for repeated runs over one domain (cached: concrete domains with
    equal models share one compilation, since a `ConcreteDomain` holds nothing but its model)."""
    if type(domain) is ConcreteDomain:
        return _compile_concrete(program, domain.model)
    return _compile_for(program, domain)


@functools.lru_cache(maxsize=4096)
def _compile_concrete(program: Program, model: NumericModel) -> Runner:
    return _compile(program, ConcreteDomain(model))


@functools.lru_cache(maxsize=256)
def _compile_for(program: Program, domain: Domain) -> Runner:
    return _compile(program, domain)


def _compile(program: Program, domain: Domain) -> Runner:
    steps = [_Compiler(domain).statement(s) for s in program.statements]
    written = {s.target for s in program.statements}

    def runner(inputs: Mapping[str, Value]) -> dict[str, Value]:
        state: State = {name: _Tensor.of(value) if isinstance(value, np.ndarray) else value
                        for name, value in inputs.items()}
        for step in steps:
            try:
                step(state)
            except (ValueError, ZeroDivisionError, OverflowError) as error:
                # An operation without a result that the semantics did not name (fmod by zero, a float too
                # large for an int): undefined all the same.
                raise EvaluationError(f"{type(error).__name__}: {error}") from error
        final = dict(inputs)  # arrays no statement wrote are handed back as they came
        for name in written:
            value = state[name]
            final[name] = value.array() if isinstance(value, _Tensor) else value
        return final

    return runner


class _Tensor:
    """An array while a program runs: a flat list in row-major order (indexing a list is several times faster
    than indexing an object ndarray)."""

    __slots__ = ("data", "shape", "strides")

    def __init__(self, data: list[Any], shape: tuple[int, ...]) -> None:
        self.data = data
        self.shape = shape
        strides = [1] * len(shape)
        for axis in range(len(shape) - 2, -1, -1):
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        self.strides = tuple(strides)

    @staticmethod
    def of(array: np.ndarray) -> _Tensor:
        # `tolist` turns a numeric array's elements into Python numbers, the concrete domain's values.
        return _Tensor(array.ravel().tolist(), array.shape)

    def array(self) -> np.ndarray:
        flat = np.empty(len(self.data), dtype=object)
        for k, v in enumerate(self.data):  # element by element: numpy must not look inside z3 terms
            flat[k] = v
        return flat.reshape(self.shape)

    def offset(self, at: tuple[int, ...], what: str) -> int:
        if len(at) != len(self.shape):
            raise EvaluationError(f"{what}: rank {len(self.shape)}, but {len(at)} indices")
        flat = 0
        for i, extent, stride in zip(at, self.shape, self.strides, strict=True):
            if not 0 <= i < extent:
                raise EvaluationError(f"{what}{at} is outside its shape {self.shape}")
            flat += i * stride
        return flat


def _read(state: State, name: str) -> Value:
    try:
        return state[name]
    except KeyError:
        raise EvaluationError(f"no value for {name}: it is neither an input nor an earlier statement's target") \
            from None


def _scalar(state: State, name: str) -> Value:
    value = _read(state, name)
    if isinstance(value, _Tensor):
        return value.data[value.offset((), f"{name} as a scalar")]
    return value


def _tensor(state: State, name: str) -> _Tensor:
    value = _read(state, name)
    if not isinstance(value, _Tensor):
        raise EvaluationError(f"{name} is a scalar, not a tensor")
    return value


_INT_OPS: dict[BinOp, Callable[[int, int], int]] = {
    BinOp.ADD: lambda a, b: a + b,
    BinOp.SUB: lambda a, b: a - b,
    BinOp.MUL: lambda a, b: a * b,
    BinOp.DIV_TRUNC: trunc_div,
    BinOp.MOD_TRUNC: trunc_mod,
    BinOp.MIN: min,
    BinOp.MAX: max,
}


def _floor_div(a: int, b: int) -> int:
    if b == 0:
        raise EvaluationError("integer division by zero")
    return a // b


def _floor_mod(a: int, b: int) -> int:
    if b == 0:
        raise EvaluationError("modulo by zero")
    return a % b


_INT_OPS[BinOp.DIV_FLOOR] = _floor_div
_INT_OPS[BinOp.MOD_FLOOR] = _floor_mod


_FLOAT_OPS: dict[BinOp, Callable[[Any, Any], Any]] = {
    BinOp.ADD: lambda a, b: float(a + b),
    BinOp.SUB: lambda a, b: float(a - b),
    BinOp.MUL: lambda a, b: float(a * b),
}
_IDEAL_INT_OPS: dict[BinOp, Callable[[Any, Any], Any]] = {
    BinOp.ADD: lambda a, b: int(a + b),
    BinOp.SUB: lambda a, b: int(a - b),
    BinOp.MUL: lambda a, b: int(a * b),
}


_COMPARISONS: dict[BinOp, Callable[[Any, Any], bool]] = {
    BinOp.LT: lambda a, b: a < b,
    BinOp.LE: lambda a, b: a <= b,
    BinOp.GT: lambda a, b: a > b,
    BinOp.GE: lambda a, b: a >= b,
    BinOp.EQ: lambda a, b: a == b,
    BinOp.NE: lambda a, b: a != b,
}


def _integral(expr: Expr) -> bool:
    """Whether `expr` is integer arithmetic over index variables, sizes and constants (`_Compiler.index`
    computes it in Python integers)."""
    match expr:
        case Const(value, dtype):
            return dtype.is_int and isinstance(value, int)
        case Idx() | Dim():
            return True
        case Scalar(_, dtype):
            return dtype.is_int
        case Bin(op, lhs, rhs, dtype):
            return op in _INT_OPS and dtype.is_int and _integral(lhs) and _integral(rhs)
        case Unary(UnOp.NEG, operand, dtype) | Cast(operand, dtype):
            return dtype.is_int and operand.dtype.is_int and _integral(operand)
        case _:
            return False


class _Compiler:
    """Turns nodes into closures over (index variables, state) for one domain."""

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self.concrete = isinstance(domain, ConcreteDomain)
        # A Python number met by the Z3 domain (a size, a constant-filled array) is lifted into a z3 term.
        self.lift_numbers = isinstance(domain, Z3Domain)
        model = domain.model if isinstance(domain, ConcreteDomain) else domain.semantics.model
        # Index arithmetic in Python integers is exact only where the model's integers are.
        self.ideal_ints = model.ints == "ideal"

    # --- statements

    def statement(self, statement: Statement) -> Callable[[State], None]:
        value = self.converted(statement.value, statement.dtype)
        target = statement.target
        if statement.is_scalar:
            def assign_scalar(state: State) -> None:
                state[target] = value({}, state)
            return assign_scalar
        loops = [(loop.var, self.index(loop.lo), self.index(loop.hi)) for loop in statement.domain]
        indices = [self.index(i) for i in statement.indices]
        creates = self._creation(statement)

        def assign(state: State) -> None:
            old = state.get(target)
            if old is None:
                out = creates(state)
            elif isinstance(old, _Tensor):
                out = _Tensor(list(old.data), old.shape)
            else:
                raise EvaluationError(f"{target} is a scalar but is assigned with {len(indices)} indices")
            data, what = out.data, f"write to {target}"
            ix: Indices = {}

            def element() -> None:
                data[out.offset(tuple(f(ix, state) for f in indices), what)] = value(ix, state)

            _iterate(loops, 0, ix, state, element)
            state[target] = out  # after the loop: every element was computed from the state before

        return assign

    def _creation(self, statement: Statement) -> Callable[[State], _Tensor]:
        """The array a statement creating its target starts from (shape: the domain's extents)."""
        bounds = [(loop.var, self.index(loop.lo), self.index(loop.hi)) for loop in statement.domain]
        target = statement.target

        def create(state: State) -> _Tensor:
            extents = []
            for var, lo, hi in bounds:
                try:
                    start, stop = lo({}, state), hi({}, state)
                except KeyError as missing:
                    raise EvaluationError(f"{target} is new, so the range of {var} cannot depend on {missing}") \
                        from None
                if start != 0:
                    raise EvaluationError(f"{target} is new, so the range of {var} must start at 0, not {start}")
                extents.append(max(stop, 0))
            shape = tuple(extents)
            return _Tensor([None] * int(np.prod(shape, dtype=np.int64)), shape)

        return create

    # --- values

    def converted(self, expr: Expr, dtype: DType) -> Eval:
        """`expr` converted to `dtype` (no conversion when it already has it)."""
        f = self.value(expr)
        if expr.dtype is dtype:
            return f
        fast = self._fast_cast(expr.dtype, dtype)
        if fast is not None:
            return lambda ix, st: fast(f(ix, st))
        cast, source = self.domain.cast, expr.dtype
        return lambda ix, st: cast(f(ix, st), source, dtype)

    def _fast_cast(self, source: DType, target: DType) -> Callable[[Any], Any] | None:
        """Conversions of the concrete domain that are one Python call (what `concrete_cast` computes for them:
        `normalise`, with ideal integers); float -> int (truncation, NaN checks) keeps the general path."""
        if type(self.domain) is not ConcreteDomain or not self.ideal_ints:
            return None
        if target is DType.BOOL:
            return bool
        if target.is_float:
            return float
        if not source.is_float:
            return int
        return None

    def value(self, expr: Expr) -> Eval:
        d = self.domain
        match expr:
            case Const(value, dtype):
                v = d.const(value, dtype)
                return lambda ix, st: v
            case Idx(name, dtype):
                if self.concrete:
                    return lambda ix, st: ix[name]
                const = d.const
                return lambda ix, st: const(ix[name], dtype)
            case Scalar(name, dtype):
                return self._lifted(lambda ix, st: _scalar(st, name), dtype)
            case Dim(tensor, axis, dtype):
                const = d.const
                return lambda ix, st: const(_tensor(st, tensor).shape[axis], dtype)
            case Access(tensor, indices, dtype):
                return self._lifted(self._access(tensor, indices), dtype)
            case Bin(op, _, _, _) if op.is_comparison or op.is_logical:
                return self._lifted(self.condition(expr), DType.BOOL)
            case Unary(UnOp.NOT, _, _):
                return self._lifted(self.condition(expr), DType.BOOL)
            case Bin(op, lhs, rhs, dtype):
                return self._bin(op, lhs, rhs, dtype)
            case Unary(op, operand, dtype):
                f = self.converted(operand, dtype if op is UnOp.NEG else DType.BOOL)
                unop = d.unop
                return lambda ix, st: unop(op, f(ix, st), dtype)
            case Call(fn, args, dtype):
                fs = [self.converted(a, dtype) for a in args]
                call = d.call
                if len(fs) == 1:
                    (f,) = fs
                    return lambda ix, st: call(fn, (f(ix, st),), dtype)
                return lambda ix, st: call(fn, tuple(f(ix, st) for f in fs), dtype)
            case Select(cond, then, else_, dtype):
                return self._select(self.condition(cond), self.converted(then, dtype), self.converted(else_, dtype))
            case Cast(operand, dtype):
                return self.converted(operand, dtype)
            case Reduce():
                return self._reduce(expr)
        assert_never(expr)

    def _lifted(self, f: Eval, dtype: DType) -> Eval:
        if not self.lift_numbers:
            return f
        const = self.domain.const

        def lifted(ix: Indices, st: State) -> Any:
            v = f(ix, st)
            return const(v, dtype) if isinstance(v, int | float) else v

        return lifted

    def _access(self, tensor: str, indices: tuple[Expr, ...]) -> Eval:
        fs = [self.index(i) for i in indices]
        what = f"read of {tensor}"

        def scalar(ix: Indices, st: State) -> Any:
            value = _read(st, tensor)
            if isinstance(value, _Tensor):
                return value.data[value.offset((), what)]
            return value

        def read(ix: Indices, st: State) -> Any:
            t = _tensor(st, tensor)
            return t.data[t.offset(tuple(f(ix, st) for f in fs), what)]

        if len(fs) == 1:
            (f0,) = fs

            def read1(ix: Indices, st: State) -> Any:
                t = st.get(tensor)
                if not isinstance(t, _Tensor) or len(t.shape) != 1:
                    return read(ix, st)  # the general path says what is wrong
                i = f0(ix, st)
                if not 0 <= i < t.shape[0]:
                    raise EvaluationError(f"{what}({i}) is outside its shape {t.shape}")
                return t.data[i]

            return read1
        if len(fs) == 2:
            f0, f1 = fs

            def read2(ix: Indices, st: State) -> Any:
                t = st.get(tensor)
                if not isinstance(t, _Tensor) or len(t.shape) != 2:
                    return read(ix, st)
                i, j = f0(ix, st), f1(ix, st)
                rows, columns = t.shape
                if not (0 <= i < rows and 0 <= j < columns):
                    raise EvaluationError(f"{what}({i}, {j}) is outside its shape {t.shape}")
                return t.data[i * columns + j]

            return read2
        return read if fs else scalar

    def _bin(self, op: BinOp, lhs: Expr, rhs: Expr, dtype: DType) -> Eval:
        common = operand_dtype(op, lhs.dtype, rhs.dtype)
        f, g = self.converted(lhs, common), self.converted(rhs, common)
        binop = self.domain.binop
        fast = self._fast_arithmetic(op, common, dtype)
        if fast is not None:
            return lambda ix, st: fast(f(ix, st), g(ix, st))
        return lambda ix, st: binop(op, f(ix, st), g(ix, st), common, dtype)

    # --- conditions

    def condition(self, expr: Expr) -> Eval:
        """A boolean: a Python bool where it is decided without the domain (comparisons of index arithmetic, and
        `&&`, `||`, `!` of decided sides), otherwise a domain value of dtype bool."""
        match expr:
            case Bin(op, lhs, rhs, _) if op.is_comparison:
                general = self._bin(op, lhs, rhs, DType.BOOL)
                if not (self.ideal_ints and _integral(lhs) and _integral(rhs)):
                    return general
                f, g, compare = self.index(lhs), self.index(rhs), _COMPARISONS[op]

                def indices_compared(ix: Indices, st: State) -> Any:
                    try:
                        return compare(f(ix, st), g(ix, st))
                    except EvaluationError:  # a symbolic size: the domain's comparison says it
                        return general(ix, st)

                return indices_compared
            case Bin(op, lhs, rhs, _) if op.is_logical:
                return self._logical(op, self.condition(lhs), self.condition(rhs))
            case Unary(UnOp.NOT, operand, _):
                inner, unop = self.condition(operand), self.domain.unop

                def negation(ix: Indices, st: State) -> Any:
                    c = inner(ix, st)
                    return (not c) if type(c) is bool else unop(UnOp.NOT, c, DType.BOOL)

                return negation
            case _:
                return self.converted(expr, DType.BOOL)

    def _logical(self, op: BinOp, f: Eval, g: Eval) -> Eval:
        """`&&` / `||`, short-circuit where the left side is decided, as C and Python do."""
        truth, binop, const, decides = self.domain.truth, self.domain.binop, self.domain.const, op is BinOp.OR

        def logical(ix: Indices, st: State) -> Any:
            a = f(ix, st)
            if (a if type(a) is bool else truth(a)) is decides:
                return decides
            b = g(ix, st)
            if type(a) is bool:  # a is decided, and not the deciding value: the result is b
                return b
            if type(b) is bool:
                b = const(b, DType.BOOL)
            return binop(op, a, b, DType.BOOL, DType.BOOL)

        return logical

    def _fast_arithmetic(self, op: BinOp, operand: DType, result: DType) -> Callable[[Any, Any], Any] | None:
        """`+ - *` in the concrete domain without its generic dispatch: the same results as `concrete_binop`,
        which for these operators is the Python operator followed by `normalise` (float(), or int() for ideal
        integers)."""
        if type(self.domain) is not ConcreteDomain or operand is not result:
            return None
        if result.is_float:
            return _FLOAT_OPS.get(op)
        if result.is_int and self.domain.model.ints == "ideal":
            return _IDEAL_INT_OPS.get(op)
        return None

    def _select(self, cond: Eval, then: Eval, else_: Eval) -> Eval:
        if self.concrete:
            return lambda ix, st: then(ix, st) if cond(ix, st) else else_(ix, st)
        truth, select = self.domain.truth, self.domain.select

        def symbolic(ix: Indices, st: State) -> Any:
            c = cond(ix, st)
            decided = c if type(c) is bool else truth(c)
            if decided is None:
                return select(c, then(ix, st), else_(ix, st))
            return then(ix, st) if decided else else_(ix, st)

        return symbolic

    def _reduce(self, expr: Reduce) -> Eval:
        op, var, dtype = reduce_binop(expr.op), expr.var, expr.dtype
        lo, hi = self.index(expr.lo), self.index(expr.hi)
        body = self.converted(expr.body, dtype)
        binop = self.domain.binop
        fast = self._fast_arithmetic(op, dtype, dtype)
        combine = fast if fast is not None else (lambda a, b: binop(op, a, b, dtype, dtype))
        identity = reduce_identity(expr.op, dtype)
        start = None if identity is None else self.domain.const(identity, dtype)
        name = expr.op.value

        def fold(ix: Indices, st: State) -> Any:
            first, stop = lo(ix, st), hi(ix, st)
            saved = ix.get(var)
            try:
                acc = start
                if acc is None:  # max / min: the first element starts the fold
                    if first >= stop:
                        raise EvaluationError(f"{name} over the empty range {first}:{stop}")
                    ix[var] = first
                    acc = body(ix, st)
                    first += 1
                for k in range(first, stop):
                    ix[var] = k
                    acc = combine(acc, body(ix, st))
                return acc
            finally:
                if saved is None:
                    ix.pop(var, None)
                else:
                    ix[var] = saved

        return fold

    # --- integers: indices and ranges

    def index(self, expr: Expr) -> IntEval:
        """An integer-valued expression as a Python int (indices, range bounds)."""
        match expr:
            case Const(value, dtype) if dtype.is_int and isinstance(value, int):
                v = int(value)
                return lambda ix, st: v
            case Idx(name, _):
                return lambda ix, st: ix[name]
            case Dim(tensor, axis, _):
                return lambda ix, st: _tensor(st, tensor).shape[axis]
            case Scalar(name, dtype) if dtype.is_int:
                as_index = self.domain.index

                def size(ix: Indices, st: State) -> int:
                    v = _read(st, name)
                    return v if type(v) is int else as_index(v)

                return size
            case Bin(op, lhs, rhs, dtype) if op in _INT_OPS and dtype.is_int and lhs.dtype.is_int \
                    and rhs.dtype.is_int:
                f, g, fn = self.index(lhs), self.index(rhs), _INT_OPS[op]
                return lambda ix, st: fn(f(ix, st), g(ix, st))
            case Unary(UnOp.NEG, operand, dtype) if dtype.is_int and operand.dtype.is_int:
                f = self.index(operand)
                return lambda ix, st: -f(ix, st)
            case Cast(operand, dtype) if dtype.is_int and operand.dtype.is_int:
                return self.index(operand)
            case _:
                general, as_index = self.value(expr), self.domain.index
                return lambda ix, st: as_index(general(ix, st))


def _iterate(loops: list[tuple[str, IntEval, IntEval]], level: int, ix: Indices, state: State,
             element: Callable[[], None]) -> None:
    """Run `element` for every point of the domain, outer variables first (a range may use outer variables)."""
    var, lo, hi = loops[level]
    start, stop = lo(ix, state), hi(ix, state)
    if level == len(loops) - 1:
        for v in range(start, stop):
            ix[var] = v
            element()
        return
    for v in range(start, stop):
        ix[var] = v
        _iterate(loops, level + 1, ix, state, element)
