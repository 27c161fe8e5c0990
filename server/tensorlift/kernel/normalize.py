"""Kernel normalisation: flattened indexing becomes multi-dimensional where the split is exact, and index
expressions are put in a canonical form.

`A[i*n + j]` with `j` ranging within `[0, n)` is `A[i, j]` of the view `A.reshape(-1, n)`: the decomposition of a
flat index into `(q, r)` with `0 <= r < n` is unique, so the split changes no access. Strides come from the loop
variables' coefficients (`b*m*p + i*p + k` has strides `m*p, p, 1`); they must form a chain where each divides
the one above it, and every access of the array must decompose under the same chain with every inner index
provably in its range (from the loop bounds, symbolically), else the array stays 1-D. The array's `Param.shape`
(or its `Alloc` shape) becomes the view, so codegen knows to reshape.

A leading dimension (`A[i*lda + j]` for `j` in `[0, n)`, BLAS style) splits only if `n <= lda`, which no loop bound
says. For an array parameter the function writes, that is the layout's contract (rows do not overlap; the loop
would otherwise update one element twice and no tensor operation says that), so the split is made and the
condition becomes a stated assumption of the function (`KernelFunction.layout_assumptions`), checked by the
examples and a premise of every proof. Arrays only read keep their flat index: nothing needs assuming for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from ..common import BinOp, DType
from .affine import Poly, from_poly, linear_in, simplify_index, to_poly
from .nodes import (
    Alloc,
    Assign,
    Bin,
    Expr,
    For,
    If,
    KernelFunction,
    Load,
    LValue,
    Param,
    Return,
    Stmt,
    Store,
    Unsupported,
    VarRef,
)
from .visit import (
    arrays_dimmed,
    arrays_written,
    loop_vars,
    map_stmts,
    scalars_written,
    stmt_exprs,
    walk_expr,
    walk_stmts,
)

# A loop variable's inclusive range [lo, hi] as polynomials (None when a bound is not a polynomial).
Range = tuple[Poly, Poly] | None


@dataclass(frozen=True, slots=True)
class _Access:
    array: str
    indices: tuple[Expr, ...]
    ranges: dict[str, Range]


@dataclass(frozen=True, slots=True)
class _Split:
    strides: tuple[Poly, ...]  # s_0 > s_1 > ... > s_{r-1} = 1
    dtype: DType

    @property
    def extents(self) -> tuple[Poly, ...]:
        """Extents of dimensions 1..r-1 (dimension 0 is unbounded in the view)."""
        out = []
        for outer, inner in pairwise(self.strides):
            q = outer.divide(inner)
            assert q is not None
            out.append(q)
        return tuple(out)


def normalize(fn: KernelFunction) -> KernelFunction:
    """`fn` with exact flat-index splits applied and index expressions simplified."""
    splits, assumed = _find_splits(fn)
    loops = loop_vars(fn.body)

    def rewrite_indices(array: str, indices: tuple[Expr, ...]) -> tuple[Expr, ...]:
        split = splits.get(array)
        if split is not None and len(indices) == 1:
            poly = to_poly(indices[0])
            assert poly is not None
            parts = _decompose(poly, split.strides, loops)
            assert parts is not None
            return tuple(from_poly(p, indices[0].dtype) for p in parts)
        new = tuple(simplify_index(e) for e in indices)
        return indices if all(a is b for a, b in zip(indices, new, strict=True)) else new

    def on_expr(expr: Expr) -> Expr:
        if isinstance(expr, Load):
            new = rewrite_indices(expr.array, expr.indices)
            return expr if new is expr.indices else Load(expr.array, new, expr.dtype)
        return expr

    def on_target(target: LValue) -> LValue:
        if isinstance(target, Store):
            new = rewrite_indices(target.array, target.indices)
            return target if new is target.indices else Store(target.array, new, target.dtype)
        return target

    body = map_stmts(fn.body, on_expr, on_target)
    body = _reshape_allocs(body, splits)
    params = tuple(_reshape_param(p, splits.get(p.name)) for p in fn.params)
    locals_ = tuple(_reshape_local(p, splits.get(p.name), body) for p in fn.locals)
    if body is fn.body and params == fn.params and locals_ == fn.locals:
        return fn
    return replace(fn, body=body, params=params, locals=locals_,
                   layout_assumptions=tuple(dict.fromkeys((*fn.layout_assumptions, *assumed))))


# ------------------------------------------------------------------------------------------------------ analysis


def _accesses(stmts: tuple[Stmt, ...], ranges: dict[str, Range]) -> Iterator[_Access]:
    for stmt in stmts:
        for expr in stmt_exprs(stmt):
            for node in walk_expr(expr):
                if isinstance(node, Load):
                    yield _Access(node.array, node.indices, ranges)
        match stmt:
            case Assign(Store(array, indices, _), _, _):
                yield _Access(array, indices, ranges)
            case For(var, start, stop, step, body, _):
                yield from _accesses(body, {**ranges, var: _loop_range(start, stop, step)})
            case If(_, then, else_, _):
                yield from _accesses(then, ranges)
                yield from _accesses(else_, ranges)
            case Assign(VarRef(), _, _) | Alloc() | Return() | Unsupported():
                pass


def _loop_range(start: Expr, stop: Expr, step: int) -> Range:
    lo, hi = to_poly(start), to_poly(stop)
    if lo is None or hi is None:
        return None
    # Every value the loop takes lies in [start, stop - 1] (or [stop + 1, start] going down).
    return (lo, hi - Poly.const(1)) if step > 0 else (hi + Poly.const(1), lo)


def _find_splits(fn: KernelFunction) -> tuple[dict[str, _Split], list[Expr]]:
    loops = loop_vars(fn.body)
    # Atoms of a stride must keep their value while the loops run, or the split computed from them moves.
    in_loops = [s for s in walk_stmts(fn.body) if isinstance(s, For)]
    unstable = loops | scalars_written(in_loops)
    by_array: dict[str, list[_Access]] = {}
    for access in _accesses(fn.body, {}):
        by_array.setdefault(access.array, []).append(access)
    declared = {p.name: p for p in (*fn.params, *fn.locals)}
    allocs = {s.array: s for s in walk_stmts(fn.body) if isinstance(s, Alloc)}
    dimmed = arrays_dimmed(fn.body)
    written = arrays_written(fn.body)
    params = {p.name for p in fn.params}
    splits: dict[str, _Split] = {}
    assumed: list[Expr] = []
    for array, accesses in by_array.items():
        if array in dimmed or (array not in declared and array not in allocs):
            continue
        if array in declared and declared[array].rank != 1:
            continue
        if array in allocs and len(allocs[array].shape) != 1:
            continue
        found = _split_for(accesses, loops, unstable, may_assume=array in params and array in written)
        if found is None:
            continue
        split, needs = found
        if array in allocs and _rows(allocs[array].shape[0], split) is None:
            continue
        splits[array] = split
        assumed.extend(needs)
    return splits, assumed


def _split_for(accesses: list[_Access], loops: frozenset[str], unstable: frozenset[str],
               may_assume: bool) -> tuple[_Split, list[Expr]] | None:
    polys: list[tuple[Poly, dict[str, Range]]] = []
    strides: dict[tuple, Poly] = {}
    for access in accesses:
        if len(access.indices) != 1:
            return None
        poly = to_poly(access.indices[0])
        if poly is None:
            return None
        parts = linear_in(poly, loops)
        if parts is None:
            return None
        for coeff in parts[0].values():
            stride = _stride_of(coeff)
            if stride is None:
                return None
            strides[stride.terms] = stride
        polys.append((poly, access.ranges))
    chain = sorted(strides.values(), key=_magnitude, reverse=True)
    if len(chain) < 2 or chain[-1] != Poly.const(1):
        return None
    if any(key in unstable for s in chain for key in s.atom_keys()):
        return None
    for outer, inner in pairwise(chain):
        if outer.divide(inner) is None:
            return None
    split = _Split(tuple(chain), accesses[0].indices[0].dtype)
    extents = split.extents
    needs: list[Expr] = []
    for poly, ranges in polys:
        parts_ = _decompose(poly, split.strides, loops)
        if parts_ is None:
            return None
        for part, extent in zip(parts_[1:], extents, strict=True):
            if _within(part, extent, ranges):
                continue
            need = _fits(part, extent, ranges, split.dtype) if may_assume else None
            if need is None:
                return None
            if need not in needs:
                needs.append(need)
    return split, needs


def _magnitude(stride: Poly) -> tuple[int, int]:
    """Orders strides outermost first: by degree, then by the coefficient of a highest-degree term."""
    degree = max(len(m) for m, _ in stride.terms)
    return degree, max(abs(c) for m, c in stride.terms if len(m) == degree)


def _stride_of(coeff: Poly) -> Poly | None:
    """The stride a loop variable's coefficient names: its size atoms (`2*n` strides by `n`), the integer itself
    when it is a constant (`4*i` strides by 4), or a size plus a constant (`y*(w - 1)`: a row one shorter)."""
    if len(coeff.terms) == 2:
        (m0, _), (m1, c1) = coeff.terms
        return coeff if m0 == () and len(m1) == 1 and c1 == 1 else None
    if len(coeff.terms) != 1:
        return None
    (monomial, c), = coeff.terms
    if not monomial:
        return Poly.const(abs(c)) if c != 0 else None
    return Poly.of({monomial: 1}, coeff.atoms)


def _decompose(poly: Poly, strides: tuple[Poly, ...], loops: frozenset[str]) -> list[Poly] | None:
    """Per dimension, the index whose weighted sum with `strides` is `poly`; each term goes to the outermost
    stride it is a multiple of. A stride of several terms (`w - 1`) divides a loop variable's whole coefficient."""
    if all(len(s.terms) == 1 for s in strides):
        return _decompose_terms(poly, strides)
    linear = linear_in(poly, loops)
    if linear is None:
        return None
    coeffs, rest = linear
    parts = _decompose_terms(rest, strides)
    if parts is None:
        return None
    atoms = dict(poly.atoms)
    for var, coeff in coeffs.items():
        index = Poly((((var,), 1),), ((var, atoms[var]),))
        for d, stride in enumerate(strides):
            q = _quotient(coeff, stride)
            if q is not None:
                parts[d] = parts[d] + q * index
                break
        else:
            return None
    return parts


def _quotient(poly: Poly, stride: Poly) -> Poly | None:
    """`poly / stride` when exact: term by term for a one-term stride, else an integer multiple of it."""
    if len(stride.terms) == 1:
        return poly.divide(stride)
    (m, c) = next(t for t in stride.terms if t[0])
    k, r = divmod(dict(poly.terms).get(m, 0), c)
    return Poly.const(k) if r == 0 and k != 0 and poly.terms == stride.scale(k).terms else None


def _decompose_terms(poly: Poly, strides: tuple[Poly, ...]) -> list[Poly] | None:
    parts = [Poly.const(0) for _ in strides]
    for monomial, c in poly.terms:
        term = Poly.of({monomial: c}, poly.atoms)
        for d, stride in enumerate(strides):
            q = term.divide(stride)
            if q is not None:
                parts[d] = parts[d] + q
                break
        else:
            return None
    return parts


def _within(index: Poly, extent: Poly, ranges: dict[str, Range]) -> bool:
    """`0 <= index < extent` for every value of the loop variables in `ranges`."""
    lo, hi = _bound(index, ranges, lower=True), _bound(index, ranges, lower=False)
    if lo is None or hi is None:
        return False
    low, slack = lo.constant, (extent - Poly.const(1) - hi).constant
    return low is not None and low >= 0 and slack is not None and slack >= 0


def _fits(index: Poly, extent: Poly, ranges: dict[str, Range], dtype: DType) -> Expr | None:
    """The condition `hi + 1 <= extent` under which `0 <= index < extent` holds, when `index` is provably non-negative
    and its largest value `hi` and `extent` are symbolic sizes (`n <= lda`); None when that is not the case."""
    lo, hi = _bound(index, ranges, lower=True), _bound(index, ranges, lower=False)
    if lo is None or hi is None or lo.constant is None or lo.constant < 0:
        return None
    top = hi + Poly.const(1)
    if not (_is_size(top) and _is_size(extent)) or top == extent:
        return None  # only a size against a size (`n <= lda`); `m*n <= n` would say another access pattern
    return Bin(BinOp.LE, from_poly(hi + Poly.const(1), dtype), from_poly(extent, dtype), DType.BOOL)


def _is_size(poly: Poly) -> bool:
    """`poly` is one size variable (a single atom with coefficient 1)."""
    return len(poly.terms) == 1 and poly.terms[0][1] == 1 and len(poly.terms[0][0]) == 1


def _bound(poly: Poly, ranges: dict[str, Range], *, lower: bool, depth: int = 0) -> Poly | None:
    """A lower (or upper) bound of an affine `poly` over the loop ranges, substituting outer loops' bounds for
    inner loops' symbolic starts and stops (triangular nests) until none is left."""
    if depth > 16:
        return None
    parts = linear_in(poly, frozenset(ranges))
    if parts is None:
        return None
    coeffs, rest = parts
    if not coeffs:
        return poly
    total = rest
    for var, coeff in coeffs.items():
        c = coeff.constant
        r = ranges[var]
        if c is None or r is None:
            return None
        lo, hi = r
        total = total + (lo if (c > 0) == lower else hi).scale(c)
    return _bound(total, ranges, lower=lower, depth=depth + 1)


# --------------------------------------------------------------------------------------------------- the view


def _rows(total: Expr, split: _Split) -> Poly | None:
    poly = to_poly(total)
    return poly.divide(split.strides[0]) if poly is not None else None


def _view(split: _Split) -> tuple[Expr, ...]:
    return tuple(from_poly(e, split.dtype) for e in split.extents)


def _reshape_allocs(body: tuple[Stmt, ...], splits: dict[str, _Split]) -> tuple[Stmt, ...]:
    if not splits:
        return body

    def one(stmt: Stmt) -> Stmt:
        match stmt:
            case Alloc(array, shape, dtype, init, span) if array in splits:
                rows = _rows(shape[0], splits[array])
                assert rows is not None
                return Alloc(array, (from_poly(rows, shape[0].dtype), *_view(splits[array])), dtype, init, span)
            case For(var, start, stop, step, inner, span):
                new = _reshape_allocs(inner, splits)
                return stmt if new is inner else For(var, start, stop, step, new, span)
            case If(cond, then, else_, span):
                t, e = _reshape_allocs(then, splits), _reshape_allocs(else_, splits)
                return stmt if t is then and e is else_ else If(cond, t, e, span)
            case _:
                return stmt

    new = tuple(one(s) for s in body)
    return body if all(a is b for a, b in zip(body, new, strict=True)) else new


def _reshape_param(param: Param, split: _Split | None) -> Param:
    if split is None:
        return param
    rows: Expr | None = None
    if param.shape and param.shape[0] is not None:
        poly = _rows(param.shape[0], split)
        rows = from_poly(poly, split.dtype) if poly is not None else None
    return replace(param, rank=len(split.strides), shape=(rows, *_view(split)))


def _reshape_local(param: Param, split: _Split | None, body: tuple[Stmt, ...]) -> Param:
    if split is None:
        return param
    alloc = next((s for s in walk_stmts(body) if isinstance(s, Alloc) and s.array == param.name), None)
    if alloc is not None:
        return replace(param, rank=len(alloc.shape), shape=alloc.shape)
    return _reshape_param(param, split)
