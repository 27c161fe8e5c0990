"""`out = []` + `out.append(e)` in loops -> an `Alloc` of the trip count and indexed stores (Kernel normal form).

The store index is the affine iteration counter of the loops between the `out = []` and the append:
`i - s0` for one loop of step 1, `(i - s0) * trip_j + (j - s1)` for two. A list of rows built with
`row = []; for j: row.append(e); out.append(row)` becomes one 2-D array. The append is refused where the count is
not a product of loop trip counts: under an `if` (a filter) or in a triangular nest (a ragged result).
"""

from __future__ import annotations

from typing import assert_never

from tree_sitter import Node

from ..common import DType, Span
from ..kernel.nodes import Alloc, Assign, Expr, For, If, Return, Stmt, Store, Unsupported
from . import py_arith
from .py_context import Append, Builder, CondFrame, Ctx, LocalArray, LoopFrame, Unsup
from .py_expr import expr
from .py_syntax import text


def start_builder(ctx: Ctx, name: str, site: Span) -> Alloc:
    """`name = []`: a placeholder Alloc (empty shape) that `finish` replaces once the append is known."""
    builder = Builder(name, site, len(ctx.frames))
    ctx.builders[name] = builder
    ctx.finished.append(builder)
    ctx.arrays[name] = LocalArray(DType.F64, 1, fixed=False)
    return Alloc(name, (), DType.F64, None, site)


def append(ctx: Ctx, node: Node, name: str, arg: Node, span: Span) -> list[Stmt]:
    builder = ctx.builders.get(name)
    if builder is None or builder.closed:
        raise Unsup(node, f"`{name}.append` needs `{name}` created empty (`{name} = []`) in this function and "
                          "appended to in one place")
    between = ctx.frames[builder.depth:]
    conds = [f for f in between if isinstance(f, CondFrame)]
    row = ctx.builders.get(text(arg)) if arg.type == "identifier" else None
    if conds and (len(conds) != 1 or not conds[0].has_else or between[-1] is not conds[0]
                  or (row is not None and row is not builder)):
        raise Unsup(node, "conditional append builds a variable-length result; not a tensor operation")
    if conds and builder.append is not None and builder.split_site == conds[0].site:
        return _other_branch(ctx, node, builder, conds[0], arg, span)
    if builder.append is not None:
        raise Unsup(node, f"`{name}` gets several `append`s; only one append site per list is supported")
    if conds:  # every other branch of this `if` must append too (checked when the `if` ends: `check_branches`)
        builder.split_site, builder.split_branches = conds[0].site, {conds[0].branch}
    loops = ctx.loops(between)
    counter, trip = _counter(node, loops)
    if row is not None and row is not builder:
        return _append_row(ctx, node, builder, row, counter, trip, loops)
    value = expr(ctx, arg)
    builder.append = Append((counter,), (trip,), value.dtype)
    ctx.arrays[name] = LocalArray(value.dtype, 1, fixed=False, shape=(trip,))
    return [Assign(Store(name, (counter,), value.dtype), value, span)]


def _other_branch(ctx: Ctx, node: Node, builder: Builder, branch: CondFrame, arg: Node, span: Span) -> list[Stmt]:
    """The append of another branch of the `if` whose first branch appended: the same element, another value."""
    assert builder.append is not None
    if branch.branch in builder.split_branches:
        raise Unsup(node, f"`{builder.name}` gets several `append`s in one branch; only one per branch is supported")
    value = expr(ctx, arg)
    if value.dtype is not builder.append.dtype:
        builder.split_problem = (f"the branches of this `if` append values of different types to `{builder.name}` "
                                 f"({builder.append.dtype.value} and {value.dtype.value}); convert them to one type")
        raise Unsup(node, builder.split_problem)
    builder.split_branches.add(branch.branch)
    return [Assign(Store(builder.name, builder.append.counter, value.dtype), value, span)]


def check_branches(ctx: Ctx, node: Node, site: int, branches: int) -> None:
    """After an `if` with an `else`: a list appended to in one of its branches must be appended to in every one,
    else the list's length depends on the data."""
    for builder in ctx.builders.values():
        if builder.split_site == site and builder.split_branches != set(range(branches)):
            raise Unsup(node, builder.split_problem or f"`{builder.name}` is appended to in some branches of this "
                              "`if` only: a variable-length result; not a tensor operation")


def _append_row(ctx: Ctx, node: Node, builder: Builder, row: Builder, counter: Expr, trip: Expr,
                loops: list[LoopFrame]) -> list[Stmt]:
    if row.append is None or row.append.merged_into is not None or row.depth != len(ctx.frames):
        raise Unsup(node, f"`{builder.name}.append({row.name})` needs `{row.name}` created and filled in the "
                          "same loop body")
    outer = {frame.var for frame in loops}
    if any(py_arith.free_vars(extent) & outer for extent in row.append.shape):
        raise Unsup(node, f"the rows of `{builder.name}` have different lengths (a triangular loop builds a "
                          "ragged result); not a tensor operation")
    row.append.merged_into = builder.name
    shape = (trip, *row.append.shape)
    builder.append = Append((counter,), shape, row.append.dtype)
    ctx.arrays[builder.name] = LocalArray(row.append.dtype, len(shape), fixed=False, shape=shape)
    ctx.arrays.pop(row.name, None)
    return []


def _counter(node: Node, loops: list[LoopFrame]) -> tuple[Expr, Expr]:
    """The flattened iteration counter of `loops` (outermost first) and their total trip count."""
    counter: Expr = py_arith.const(0)
    total: Expr = py_arith.const(1)
    seen: set[str] = set()
    for frame in loops:
        trip = py_arith.trip_count(frame.start, frame.stop, frame.step)
        if py_arith.free_vars(trip) & seen:
            raise Unsup(node, "append in a loop whose length depends on an outer loop (a triangular nest) builds "
                              "a ragged result; not a tensor operation")
        counter = py_arith.add(py_arith.mul(counter, trip), py_arith.iteration(frame.var, frame.start, frame.step))
        total = py_arith.mul(total, trip)
        seen.add(frame.var)
    return counter, total


def finish(ctx: Ctx, body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
    """Replace each builder's placeholder Alloc by the real one; fold row lists into their outer list."""
    sites = {(b.name, b.site): b for b in ctx.finished}
    # a builder whose append could not be translated (it sat in a refused statement) is not an empty list
    refused = {b.name for b in ctx.finished if b.append is None and f"{b.name}.append" in ctx.source}
    merged = {b.name: b for b in ctx.finished if b.append is not None and b.append.merged_into is not None}
    outer_counter = {b.name: b.append.counter for b in ctx.finished if b.append is not None}
    if not sites:
        return body
    return _rewrite(body, sites, merged, outer_counter, refused)


def _rewrite(body: tuple[Stmt, ...], sites: dict[tuple[str, Span], Builder], merged: dict[str, Builder],
             outer_counter: dict[str, tuple[Expr, ...]], refused: set[str]) -> tuple[Stmt, ...]:
    out: list[Stmt] = []
    for stmt in body:
        match stmt:
            case Alloc(array=array, span=span) if not stmt.shape and (array, span) in sites:
                builder = sites[(array, span)]
                if builder.append is None and array in refused:
                    out.append(Unsupported(f"line {span.start.line + 1}: `{array}` is filled by an `append` that "
                                           "could not be translated", span))
                elif builder.append is None:
                    out.append(Alloc(array, (py_arith.const(0),), DType.F64, None, span))
                elif builder.append.merged_into is None:
                    out.append(Alloc(array, builder.append.shape, builder.append.dtype, None, span))
            case Assign(target=Store(array=array, indices=indices, dtype=dtype)) if array in merged:
                into = merged[array].append
                assert into is not None and into.merged_into is not None
                prefix = outer_counter[into.merged_into]
                out.append(Assign(Store(into.merged_into, (*prefix, *indices), dtype), stmt.value, stmt.span))
            case For():
                out.append(For(stmt.var, stmt.start, stmt.stop, stmt.step,
                               _rewrite(stmt.body, sites, merged, outer_counter, refused), stmt.span))
            case If():
                out.append(If(stmt.cond, _rewrite(stmt.then, sites, merged, outer_counter, refused),
                              _rewrite(stmt.else_, sites, merged, outer_counter, refused), stmt.span))
            case Assign() | Alloc() | Return() | Unsupported():
                out.append(stmt)
            case _:
                assert_never(stmt)
    return tuple(out)
