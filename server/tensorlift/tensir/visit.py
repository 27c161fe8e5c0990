"""Walking and rewriting TensIR trees, and their canonical form.

Rewriters return the *same object* when nothing changed (TACO's rewriter habit), so unchanged subtrees stay
shared and `is` tells a caller whether a rewrite did anything.

`canonical(program)` is the form up to renaming of index variables and the order of commutative operands:
bound variables are renamed `i0, i1, ...` in order of binding (per statement), and the operands of commutative
operators are sorted by a key that does not depend on those names (`a > b` becomes `b < a`). `canonical_key` is
its text plus the dtypes the text does not show, for deduplication in search and as a cache key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import assert_never

from ..common import BinOp
from .nodes import (
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
    Unary,
)
from .printer import show, show_expr


def children(expr: Expr) -> tuple[Expr, ...]:
    match expr:
        case Const() | Scalar() | Idx() | Dim():
            return ()
        case Access(_, indices, _):
            return indices
        case Bin(_, lhs, rhs, _):
            return (lhs, rhs)
        case Unary(_, operand, _) | Cast(operand, _):
            return (operand,)
        case Call(_, args, _):
            return args
        case Select(cond, then, else_, _):
            return (cond, then, else_)
        case Reduce(_, _, lo, hi, body, _):
            return (lo, hi, body)
    assert_never(expr)


def with_children(expr: Expr, new: tuple[Expr, ...]) -> Expr:
    """`expr` with its children replaced by `new` (the same object if every child is the same object)."""
    old = children(expr)
    if all(a is b for a, b in zip(old, new, strict=True)):
        return expr
    match expr:
        case Const() | Scalar() | Idx() | Dim():
            return expr
        case Access(tensor, _, dtype):
            return Access(tensor, new, dtype)
        case Bin(op, _, _, dtype):
            return Bin(op, new[0], new[1], dtype)
        case Unary(op, _, dtype):
            return Unary(op, new[0], dtype)
        case Cast(_, dtype):
            return Cast(new[0], dtype)
        case Call(fn, _, dtype):
            return Call(fn, new, dtype)
        case Select(_, _, _, dtype):
            return Select(new[0], new[1], new[2], dtype)
        case Reduce(op, var, _, _, _, dtype):
            return Reduce(op, var, new[0], new[1], new[2], dtype)
    assert_never(expr)


def map_expr(expr: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Rewrite bottom-up: children first, then `fn` on the node rebuilt from them."""
    rebuilt = with_children(expr, tuple(map_expr(child, fn) for child in children(expr)))
    return fn(rebuilt)


def map_statement(statement: Statement, fn: Callable[[Expr], Expr]) -> Statement:
    """`map_expr` over every expression of a statement: ranges, target indices, value."""
    domain = tuple(_map_loop(loop, fn) for loop in statement.domain)
    indices = tuple(map_expr(index, fn) for index in statement.indices)
    value = map_expr(statement.value, fn)
    if (value is statement.value and _same(domain, statement.domain) and _same(indices, statement.indices)):
        return statement
    return Statement(statement.target, indices, domain, value, statement.dtype)


def map_program(program: Program, fn: Callable[[Expr], Expr]) -> Program:
    statements = tuple(map_statement(s, fn) for s in program.statements)
    return program if _same(statements, program.statements) else Program(statements)


def _map_loop(loop: Loop, fn: Callable[[Expr], Expr]) -> Loop:
    lo, hi = map_expr(loop.lo, fn), map_expr(loop.hi, fn)
    return loop if lo is loop.lo and hi is loop.hi else Loop(loop.var, lo, hi)


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return all(x is y for x, y in zip(a, b, strict=True))


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, parents before children."""
    yield expr
    for child in children(expr):
        yield from walk(child)


def size(expr: Expr) -> int:
    """The number of nodes."""
    return 1 + sum(size(child) for child in children(expr))


def free_names(expr: Expr) -> frozenset[str]:
    """Names of the index variables and scalars `expr` uses and does not bind itself."""
    match expr:
        case Idx(name, _) | Scalar(name, _):
            return frozenset((name,))
        case Reduce(_, var, lo, hi, body, _):
            return free_names(lo) | free_names(hi) | (free_names(body) - {var})
        case _:
            names: frozenset[str] = frozenset()
            for child in children(expr):
                names |= free_names(child)
            return names


def tensors_read(node: Expr | Statement | Program) -> frozenset[str]:
    """Names of the tensors whose elements or extents `node` reads (target indices and ranges included; the
    target itself only where it is read)."""
    match node:
        case Program(statements):
            names: frozenset[str] = frozenset()
            for statement in statements:
                names |= tensors_read(statement)
            return names
        case Statement(_, indices, domain, value, _):
            exprs = (*indices, *(e for loop in domain for e in (loop.lo, loop.hi)), value)
            return frozenset(n for e in exprs for n in tensors_read(e))
        case _:
            return frozenset(e.tensor for e in walk(node) if isinstance(e, Access | Dim))


def substitute(expr: Expr, mapping: Mapping[str, Expr]) -> Expr:
    """Replace free index variables and scalars named in `mapping`. A reduction's own variable shadows the
    mapping inside its body; one that would capture a free name of a replacement is renamed first."""
    if not mapping:
        return expr
    match expr:
        case Idx(name, _) | Scalar(name, _):
            return mapping.get(name, expr)
        case Reduce(op, var, lo, hi, body, dtype):
            lo2, hi2 = substitute(lo, mapping), substitute(hi, mapping)
            inner = {k: v for k, v in mapping.items() if k != var}
            captured = any(var in free_names(v) for k, v in inner.items() if k in free_names(body))
            if captured:
                taken = free_names(body) | {n for v in inner.values() for n in free_names(v)} | inner.keys()
                fresh = _fresh(var, taken)
                body = substitute(body, {var: Idx(fresh)})
                var = fresh
            body2 = substitute(body, inner)
            if lo2 is lo and hi2 is hi and body2 is expr.body and var == expr.var:
                return expr
            return Reduce(op, var, lo2, hi2, body2, dtype)
        case _:
            return with_children(expr, tuple(substitute(child, mapping) for child in children(expr)))


def _fresh(base: str, taken: set[str] | frozenset[str]) -> str:
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


# ----------------------------------------------------------------------------------------------- canonical form

# Comparisons written the other way round, so `a > b` and `b < a` have one form.
_FLIPPED = {BinOp.GT: BinOp.LT, BinOp.GE: BinOp.LE}


def canonical(program: Program) -> Program:
    """The representative of `program` up to renaming index variables and swapping commutative operands."""
    return Program(tuple(_canonical_statement(s) for s in program.statements))


def _canonical_statement(statement: Statement) -> Statement:
    # 1. Name bound variables by binding depth (`#0`, `#1`, ...: not valid names, so they clash with nothing).
    #    These names do not depend on what the author called them, so 2. can sort operands by their text;
    #    3. then renames variables in order of binding in the sorted tree.
    depth_names = {loop.var: f"#{n}" for n, loop in enumerate(statement.domain)}
    by_depth = _rename_statement(statement, depth_names, lambda depth: f"#{depth}")
    sorted_ = map_statement(by_depth, _sort_operands)
    counter = iter(range(1 << 30))
    final_names: dict[str, str] = {}

    def next_name(_: int) -> str:
        return f"i{next(counter)}"

    for loop in sorted_.domain:
        final_names[loop.var] = next_name(0)
    return _rename_statement(sorted_, final_names, next_name)


def _rename_statement(statement: Statement, names: dict[str, str], binder: Callable[[int], str]) -> Statement:
    """Rename the domain variables by `names` and every reduction variable by `binder(depth)` in pre-order."""
    domain = []
    for n, loop in enumerate(statement.domain):
        scope = {loop2.var: names[loop2.var] for loop2 in statement.domain[:n]}
        domain.append(Loop(names[loop.var], _rename(loop.lo, scope, binder, n), _rename(loop.hi, scope, binder, n)))
    depth = len(statement.domain)
    indices = tuple(_rename(i, names, binder, depth) for i in statement.indices)
    value = _rename(statement.value, names, binder, depth)
    return Statement(statement.target, indices, tuple(domain), value, statement.dtype)


def _rename(expr: Expr, scope: Mapping[str, str], binder: Callable[[int], str], depth: int) -> Expr:
    match expr:
        case Idx(name, dtype):
            return Idx(scope.get(name, name), dtype)
        case Reduce(op, var, lo, hi, body, dtype):
            lo2 = _rename(lo, scope, binder, depth)
            hi2 = _rename(hi, scope, binder, depth)
            new = binder(depth)
            body2 = _rename(body, {**scope, var: new}, binder, depth + 1)
            return Reduce(op, new, lo2, hi2, body2, dtype)
        case _:
            return with_children(expr, tuple(_rename(c, scope, binder, depth) for c in children(expr)))


def _sort_operands(expr: Expr) -> Expr:
    if isinstance(expr, Bin):
        if expr.op in _FLIPPED:
            return _sort_operands(Bin(_FLIPPED[expr.op], expr.rhs, expr.lhs, expr.dtype))
        if expr.op.is_commutative and _key(expr.rhs) < _key(expr.lhs):
            return Bin(expr.op, expr.rhs, expr.lhs, expr.dtype)
    return expr


def _key(expr: Expr) -> str:
    return show_expr(expr) + "@" + expr.dtype.value


def canonical_key(program: Program) -> str:
    """Equal for programs equal up to index renaming and commutative operand order; different otherwise. Names
    of tensors and scalars, and every dtype of the free names and targets, are part of the key."""
    form = canonical(program)
    dtypes = sorted({f"{e.tensor if isinstance(e, Access) else e.name}:{e.dtype.value}"
                     for s in form.statements for root in _roots(s) for e in walk(root)
                     if isinstance(e, Access | Scalar)})
    targets = [f"{s.target}:{s.dtype.value}" for s in form.statements]
    return show(form) + "\n# " + " ".join(dtypes) + " -> " + " ".join(targets)


def _roots(statement: Statement) -> tuple[Expr, ...]:
    return (*statement.indices, *(e for loop in statement.domain for e in (loop.lo, loop.hi)), statement.value)
