"""Generic traversals of the Kernel IR: rewriting, substitution and the names a piece of code reads or writes.

Rewriters return the *same object* when nothing changed, so unchanged subtrees stay shared and callers can test
`new is old` to learn whether a pass did anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import assert_never

from .nodes import (
    Alloc,
    Assign,
    Bin,
    Call,
    Cast,
    Const,
    Dim,
    Expr,
    For,
    If,
    Load,
    LValue,
    Return,
    Select,
    Stmt,
    Store,
    Unary,
    Unsupported,
    Var,
    VarRef,
)

# ---------------------------------------------------------------------------------------------------- expressions


def children(expr: Expr) -> tuple[Expr, ...]:
    match expr:
        case Const() | Var() | Dim():
            return ()
        case Load(_, indices, _):
            return indices
        case Bin(_, lhs, rhs, _):
            return (lhs, rhs)
        case Unary(_, operand, _) | Cast(operand, _):
            return (operand,)
        case Call(_, args, _):
            return args
        case Select(cond, then, else_, _):
            return (cond, then, else_)
        case _:
            assert_never(expr)


def rebuild(expr: Expr, kids: tuple[Expr, ...]) -> Expr:
    """`expr` with its children replaced (in `children` order)."""
    match expr:
        case Const() | Var() | Dim():
            return expr
        case Load(array, _, dtype):
            return Load(array, kids, dtype)
        case Bin(op, _, _, dtype):
            return Bin(op, kids[0], kids[1], dtype)
        case Unary(op, _, dtype):
            return Unary(op, kids[0], dtype)
        case Cast(_, dtype):
            return Cast(kids[0], dtype)
        case Call(fn, _, dtype):
            return Call(fn, kids, dtype)
        case Select(_, _, _, dtype):
            return Select(kids[0], kids[1], kids[2], dtype)
        case _:
            assert_never(expr)


def map_expr(expr: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Rewrite bottom-up: children first, then `fn` on the (possibly rebuilt) node. Returns `expr` itself when
    neither the children nor `fn` changed anything."""
    old = children(expr)
    new = tuple(map_expr(child, fn) for child in old)
    node = expr if all(a is b for a, b in zip(old, new, strict=True)) else rebuild(expr, new)
    return fn(node)


def walk_expr(expr: Expr) -> Iterator[Expr]:
    """Every subexpression, parents before children."""
    yield expr
    for child in children(expr):
        yield from walk_expr(child)


def substitute(expr: Expr, mapping: Mapping[str, Expr]) -> Expr:
    """Replace scalar `Var`s by expressions (for inlining helpers and folding known values)."""
    if not mapping:
        return expr

    def replace(node: Expr) -> Expr:
        if isinstance(node, Var) and node.name in mapping:
            return mapping[node.name]
        return node

    return map_expr(expr, replace)


def free_vars(expr: Expr) -> frozenset[str]:
    """Names of the scalar variables an expression reads."""
    return frozenset(node.name for node in walk_expr(expr) if isinstance(node, Var))


def arrays_in(expr: Expr) -> frozenset[str]:
    """Arrays an expression mentions, by element (`Load`) or by extent (`Dim`)."""
    return frozenset(node.array for node in walk_expr(expr) if isinstance(node, Load | Dim))


# ----------------------------------------------------------------------------------------------------- statements


def walk_stmts(stmts: Iterable[Stmt]) -> Iterator[Stmt]:
    """Every statement, nested ones included, in source order (a loop before its body)."""
    for stmt in stmts:
        yield stmt
        match stmt:
            case For(body=body):
                yield from walk_stmts(body)
            case If(then=then, else_=else_):
                yield from walk_stmts(then)
                yield from walk_stmts(else_)
            case Assign() | Alloc() | Return() | Unsupported():
                pass
            case _:
                assert_never(stmt)


def stmt_exprs(stmt: Stmt) -> tuple[Expr, ...]:
    """The expressions a statement evaluates itself (not those of nested statements), index expressions of an
    assignment target included."""
    match stmt:
        case Assign(target, value, _):
            return (*_target_exprs(target), value)
        case For(_, start, stop, _, _, _):
            return (start, stop)
        case If(cond, _, _, _):
            return (cond,)
        case Alloc(_, shape, _, init, _):
            return (*shape, init) if init is not None else shape
        case Return(value, _):
            return (value,) if value is not None else ()
        case Unsupported():
            return ()
        case _:
            assert_never(stmt)


def _target_exprs(target: LValue) -> tuple[Expr, ...]:
    match target:
        case VarRef():
            return ()
        case Store(_, indices, _):
            return indices
        case _:
            assert_never(target)


def all_exprs(stmts: Iterable[Stmt]) -> Iterator[Expr]:
    """Every subexpression of every statement."""
    for stmt in walk_stmts(stmts):
        for expr in stmt_exprs(stmt):
            yield from walk_expr(expr)


def arrays_read(stmts: Iterable[Stmt]) -> frozenset[str]:
    """Arrays whose elements are loaded."""
    return frozenset(e.array for e in all_exprs(stmts) if isinstance(e, Load))


def arrays_dimmed(stmts: Iterable[Stmt]) -> frozenset[str]:
    """Arrays whose extents are read (`Dim`)."""
    return frozenset(e.array for e in all_exprs(stmts) if isinstance(e, Dim))


def arrays_written(stmts: Iterable[Stmt]) -> frozenset[str]:
    """Arrays with an element stored to."""
    return frozenset(
        s.target.array for s in walk_stmts(stmts) if isinstance(s, Assign) and isinstance(s.target, Store)
    )


def arrays_allocated(stmts: Iterable[Stmt]) -> frozenset[str]:
    return frozenset(s.array for s in walk_stmts(stmts) if isinstance(s, Alloc))


def scalars_read(stmts: Iterable[Stmt]) -> frozenset[str]:
    """Scalar variables read anywhere (loop indices included)."""
    return frozenset(e.name for e in all_exprs(stmts) if isinstance(e, Var))


def scalars_written(stmts: Iterable[Stmt]) -> frozenset[str]:
    """Scalar variables assigned (loop indices not included: see `loop_vars`)."""
    return frozenset(
        s.target.name for s in walk_stmts(stmts) if isinstance(s, Assign) and isinstance(s.target, VarRef)
    )


def loop_vars(stmts: Iterable[Stmt]) -> frozenset[str]:
    return frozenset(s.var for s in walk_stmts(stmts) if isinstance(s, For))


def map_stmts(
    stmts: tuple[Stmt, ...],
    fn: Callable[[Expr], Expr],
    target: Callable[[LValue], LValue] | None = None,
) -> tuple[Stmt, ...]:
    """Apply `map_expr(_, fn)` to every expression of every statement (targets' indices too), then `target` to
    each assignment target; returns `stmts` itself when nothing changed."""
    new = tuple(_map_stmt(stmt, fn, target) for stmt in stmts)
    return stmts if all(a is b for a, b in zip(stmts, new, strict=True)) else new


def _map_stmt(stmt: Stmt, fn: Callable[[Expr], Expr], target_fn: Callable[[LValue], LValue] | None) -> Stmt:
    def m(expr: Expr) -> Expr:
        return map_expr(expr, fn)

    match stmt:
        case Assign(target, value, span):
            new_target = _map_target(target, m)
            if target_fn is not None:
                new_target = target_fn(new_target)
            new_value = m(value)
            if new_target is target and new_value is value:
                return stmt
            return Assign(new_target, new_value, span)
        case For(var, start, stop, step, body, span):
            parts = (m(start), m(stop), map_stmts(body, fn, target_fn))
            if parts[0] is start and parts[1] is stop and parts[2] is body:
                return stmt
            return For(var, parts[0], parts[1], step, parts[2], span)
        case If(cond, then, else_, span):
            branches = (m(cond), map_stmts(then, fn, target_fn), map_stmts(else_, fn, target_fn))
            if branches[0] is cond and branches[1] is then and branches[2] is else_:
                return stmt
            return If(branches[0], branches[1], branches[2], span)
        case Alloc(array, shape, dtype, init, span):
            new_shape = tuple(m(e) for e in shape)
            new_init = m(init) if init is not None else None
            if all(a is b for a, b in zip(shape, new_shape, strict=True)) and new_init is init:
                return stmt
            return Alloc(array, new_shape, dtype, new_init, span)
        case Return(value, span):
            if value is None:
                return stmt
            new_ret = m(value)
            return stmt if new_ret is value else Return(new_ret, span)
        case Unsupported():
            return stmt
        case _:
            assert_never(stmt)


def _map_target(target: LValue, m: Callable[[Expr], Expr]) -> LValue:
    match target:
        case VarRef():
            return target
        case Store(array, indices, dtype):
            new = tuple(m(e) for e in indices)
            return target if all(a is b for a, b in zip(indices, new, strict=True)) else Store(array, new, dtype)
        case _:
            assert_never(target)


def substitute_stmts(stmts: tuple[Stmt, ...], mapping: Mapping[str, Expr]) -> tuple[Stmt, ...]:
    """`substitute` over statements (reads only: assignment targets named in `mapping` are left alone)."""
    if not mapping:
        return stmts

    def replace(node: Expr) -> Expr:
        if isinstance(node, Var) and node.name in mapping:
            return mapping[node.name]
        return node

    return map_stmts(stmts, replace)
