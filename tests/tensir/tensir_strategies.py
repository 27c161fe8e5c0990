"""Hypothesis strategies for random well-typed TensIR programs, built as nodes (never as text), with dtypes from
the typing rules in `tensorlift.tensir.typecheck`."""

from __future__ import annotations

from hypothesis import strategies as st

from tensorlift.common import MATH_FUNCTIONS, BinOp, DType, ReduceOp, UnOp
from tensorlift.tensir.nodes import (
    Access,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    Idx,
    Loop,
    Program,
    Reduce,
    Scalar,
    Select,
    Statement,
    TensorType,
    Unary,
)
from tensorlift.tensir.typecheck import (
    bin_dtype,
    call_dtype,
    literal_dtype,
    reduce_dtype,
    select_dtype,
    unary_dtype,
)

TENSOR_NAMES = ("A", "B", "x", "y", "w", "alpha", "n", "m")
INDEX_NAMES = ("i", "j", "k", "l", "r", "t", "u", "v")
NEW_TARGETS = ("out", "acc", "tmp")
INT_DTYPES = (DType.I8, DType.I32, DType.I64, DType.U8, DType.U32, DType.U64)
FLOAT_DTYPES = (DType.F32, DType.F64)
ALL_DTYPES = tuple(DType)
INDEX_OPS = (BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV_FLOOR, BinOp.DIV_TRUNC, BinOp.MOD_FLOOR, BinOp.MIN)

Env = dict[str, TensorType]


@st.composite
def envs(draw: st.DrawFn) -> Env:
    """Tensors of ranks 0-3 with any dtype; `n` and `m` are always integer sizes."""
    env: Env = {"n": TensorType(DType.I32, 0), "m": TensorType(draw(st.sampled_from(INT_DTYPES)), 0)}
    for name in TENSOR_NAMES[:6]:
        if draw(st.booleans()) or name in ("A", "x"):
            env[name] = TensorType(draw(st.sampled_from(ALL_DTYPES)), draw(st.integers(0, 3)))
    return env


@st.composite
def constants(draw: st.DrawFn) -> Const:
    kind = draw(st.sampled_from(("int", "float", "bool")))
    value: int | float | bool
    if kind == "int":
        value = draw(st.integers(-(2**40), 2**40) | st.integers(-3, 10))
        dtype = draw(st.sampled_from((literal_dtype(value), *INT_DTYPES, DType.F32)))
    elif kind == "float":
        value = draw(st.floats(allow_nan=False) | st.sampled_from((0.5, 2.0, 1e-05, -3.25)))
        dtype = draw(st.sampled_from((DType.F64, DType.F32)))
    else:
        value = draw(st.booleans())
        dtype = draw(st.sampled_from((DType.BOOL, DType.I32)))
    return Const(value, dtype)


def _int_scalars(env: Env) -> list[str]:
    return [name for name, t in env.items() if t.rank == 0 and t.dtype.is_int]


@st.composite
def index_exprs(draw: st.DrawFn, env: Env, bound: tuple[str, ...], depth: int = 2) -> Expr:
    """Integer expressions: index variables, sizes, small constants, dim(), and affine-ish arithmetic."""
    leaves: list[st.SearchStrategy[Expr]] = [st.integers(-2, 9).map(lambda v: Const(v, DType.I32))]
    if bound:
        leaves.append(st.sampled_from(bound).map(Idx))
    if _int_scalars(env):
        leaves.append(st.sampled_from(_int_scalars(env)).map(lambda n: Scalar(n, env[n].dtype)))
    ranked = [(name, t.rank) for name, t in env.items() if t.rank > 0]
    if ranked:
        leaves.append(st.sampled_from(ranked).flatmap(
            lambda nr: st.integers(0, nr[1] - 1).map(lambda axis: Dim(nr[0], axis))))
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.one_of(leaves))
    op = draw(st.sampled_from(INDEX_OPS))
    lhs = draw(index_exprs(env, bound, depth - 1))
    rhs = draw(index_exprs(env, bound, depth - 1))
    return Bin(op, lhs, rhs, bin_dtype(op, lhs.dtype, rhs.dtype))


@st.composite
def exprs(draw: st.DrawFn, env: Env, bound: tuple[str, ...], depth: int = 3) -> Expr:
    """Any well-typed expression: every BinOp, unary operators, calls, selects, casts, nested reductions."""
    choice = draw(st.integers(0, 9)) if depth > 0 else draw(st.integers(0, 2))
    if choice == 0:
        return draw(constants())
    if choice == 1:
        return draw(_leaf_reads(env, bound))
    if choice == 2:
        return draw(index_exprs(env, bound, 1))
    sub = exprs(env, bound, depth - 1)
    if choice in (3, 4):
        op = draw(st.sampled_from(tuple(BinOp)))
        lhs, rhs = draw(sub), draw(sub)
        return Bin(op, lhs, rhs, bin_dtype(op, lhs.dtype, rhs.dtype))
    if choice == 5:
        unop = draw(st.sampled_from(tuple(UnOp)))
        operand = draw(sub)
        return Unary(unop, operand, unary_dtype(unop, operand.dtype))
    if choice == 6:
        fn = draw(st.sampled_from(sorted(MATH_FUNCTIONS)))
        args = tuple(draw(sub) for _ in range(MATH_FUNCTIONS[fn]))
        return Call(fn, args, call_dtype(fn, tuple(a.dtype for a in args)))
    if choice == 7:
        cond, then, else_ = draw(sub), draw(sub), draw(sub)
        return Select(cond, then, else_, select_dtype(then.dtype, else_.dtype))
    if choice == 8:
        return Cast(draw(sub), draw(st.sampled_from(ALL_DTYPES)))
    free = [name for name in INDEX_NAMES if name not in bound]
    var = draw(st.sampled_from(free))
    reduce = draw(st.sampled_from(tuple(ReduceOp)))
    lo, hi = draw(index_exprs(env, bound, 1)), draw(index_exprs(env, bound, 1))
    body = draw(exprs(env, (*bound, var), depth - 1))
    return Reduce(reduce, var, lo, hi, body, reduce_dtype(reduce, body.dtype))


@st.composite
def _leaf_reads(draw: st.DrawFn, env: Env, bound: tuple[str, ...]) -> Expr:
    name = draw(st.sampled_from(sorted(env)))
    t = env[name]
    if t.rank == 0 and draw(st.booleans()):
        return Scalar(name, t.dtype)
    indices = tuple(draw(index_exprs(env, bound, 1)) for _ in range(t.rank))
    return Access(name, indices, t.dtype)


@st.composite
def statements(draw: st.DrawFn, env: Env) -> Statement:
    """A statement over `env`: an update of an existing tensor (affine target indices, any ranges), a new tensor
    (its domain variables in order, ranges from 0), or a scalar; a new target joins `env`."""
    kind = draw(st.sampled_from(("existing", "new", "scalar")))
    existing = [name for name, t in env.items() if t.rank > 0]
    if kind == "existing" and existing:
        target = draw(st.sampled_from(existing))
        rank = env[target].rank
        count = draw(st.integers(rank, 3))
        domain = _loops(draw, env, count, dependent=True, zero_based=False)
        bound = tuple(loop.var for loop in domain)
        indices = tuple(draw(index_exprs(env, bound, 1)) for _ in range(rank))
        value = draw(exprs(env, bound))
        return Statement(target, indices, domain, value, env[target].dtype)
    if kind == "new":
        target = draw(st.sampled_from([n for n in NEW_TARGETS if n not in env]))
        domain = _loops(draw, env, draw(st.integers(1, 3)), dependent=False, zero_based=True)
        bound = tuple(loop.var for loop in domain)
        value = draw(exprs(env, bound))
        env[target] = TensorType(value.dtype, len(domain))
        return Statement(target, tuple(Idx(v) for v in bound), domain, value, value.dtype)
    scalars = [name for name, t in env.items() if t.rank == 0]
    target = draw(st.sampled_from([*scalars, *(n for n in NEW_TARGETS if n not in env)]))
    value = draw(exprs(env, ()))
    dtype = env[target].dtype if target in env else value.dtype
    env.setdefault(target, TensorType(dtype, 0))
    return Statement(target, (), (), value, dtype)


def _loops(draw: st.DrawFn, env: Env, count: int, dependent: bool, zero_based: bool) -> tuple[Loop, ...]:
    loops: list[Loop] = []
    for var in INDEX_NAMES[:count]:
        outer = tuple(loop.var for loop in loops) if dependent else ()
        lo = Const(0, DType.I32) if zero_based else draw(index_exprs(env, outer, 1))
        loops.append(Loop(var, lo, draw(index_exprs(env, outer, 1))))
    return tuple(loops)


@st.composite
def programs(draw: st.DrawFn) -> tuple[Program, Env]:
    """A program and the environment it is typed in (before its statements run)."""
    env = draw(envs())
    growing = dict(env)
    body = tuple(draw(statements(growing)) for _ in range(draw(st.integers(1, 3))))
    return Program(body), env
