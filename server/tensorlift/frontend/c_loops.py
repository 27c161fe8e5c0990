"""`for` loop headers in normal form, and what a loop body does to the pointers that live across iterations.

A header `for (init; var OP bound; update)` becomes `Loop(var, start, stop, step)` with Python `range` semantics.
A pointer moved by `c` per iteration (`*p++` once, or once per inner iteration times the inner trip count) has,
at the start of iteration number `count(loop)`, the offset `entry + count * c`; after the loop, `entry + trips *
c`. Trip counts assume non-empty ranges where the source implies them (a loop from 0 to n runs n times).
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ..common import BinOp, DType
from ..kernel.nodes import Assign, Expr, Param, Var, VarRef
from ..kernel.visit import free_vars
from .c_arith import add, binary, const_int, convert, int_value, mul, sub
from .c_context import Ctx, Loop, Reject, ScalarSym, ViewSym, span_of
from .c_exprs import expr, view_of
from .c_query import identifier_nodes, written_names
from .c_types import declared, operator, text, type_info

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="}


def descendants(node: Node) -> Iterator[Node]:
    """Every named node under `node` (iterative: deep nesting must not exhaust the Python stack)."""
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


# Subtrees smaller than this are walked in Python; a tree-sitter query has a fixed cost that only pays off on
# larger ones (loop bodies, function bodies).
_QUERY_BYTES = 150


def assigned_names(ctx: Ctx, node: Node | None) -> set[str]:
    """Identifiers written in `node`: assignment targets and `++`/`--` operands."""
    if node is None:
        return set()
    found = ctx.written.get(node.id)
    if found is None:  # nested loops ask about the same subtrees again
        if node.end_byte - node.start_byte > _QUERY_BYTES:
            found = frozenset(written_names(ctx.language, node))
        else:
            found = frozenset(_written_small(node))
        ctx.written[node.id] = found
    return set(found)


def _written_small(node: Node) -> Iterator[str]:
    for current in (node, *descendants(node)):
        if current.type == "assignment_expression":
            target = current.child_by_field_name("left")
        elif current.type == "update_expression":
            target = current.child_by_field_name("argument")
        else:
            continue
        if target is not None and target.type == "identifier":
            yield text(target)


def identifiers(ctx: Ctx, node: Node | None) -> set[str]:
    if node is None:
        return set()
    if node.end_byte - node.start_byte > _QUERY_BYTES:
        return {text(n) for n in identifier_nodes(ctx.language, node)}
    return {text(n) for n in (node, *descendants(node)) if n.type == "identifier"}


def count(loop: Loop) -> Expr:
    """The iteration number (0, 1, ...) as an expression of the loop variable."""
    index: Expr = loop.index
    if loop.step == 1:
        return sub(index, loop.start)
    if loop.step == -1:
        return sub(loop.start, index)
    return binary(BinOp.DIV_TRUNC, sub(index, loop.start), const_int(loop.step))


def trips(loop: Loop) -> Expr:
    """How many iterations the loop makes (for a non-empty range)."""
    if loop.step == 1:
        return sub(loop.stop, loop.start)
    if loop.step == -1:
        return sub(loop.start, loop.stop)
    size = abs(loop.step)
    distance = sub(loop.stop, loop.start) if loop.step > 0 else sub(loop.start, loop.stop)
    return binary(BinOp.DIV_TRUNC, add(distance, const_int(size - 1)), const_int(size))


def mentions(e: Expr, names: set[str]) -> bool:
    """Whether `e` reads any scalar in `names`."""
    return not free_vars(e).isdisjoint(names)


# --------------------------------------------------------------------------------------------------- headers


def header(ctx: Ctx, node: Node) -> tuple[Loop, list[Node], list[Assign]]:
    """Normalise a `for` header; declares the loop variable in the current scope. Returns the loop, the extra
    update expressions (`i++, p++`: the `p++`), which run at the end of each iteration, and the assignments of
    other scalars the initialiser makes (`int i = 0, n = v.size()`: `n = Dim(v, 0)`), which run before the loop."""
    var, dtype, start, before = _init(ctx, node)
    condition = node.child_by_field_name("condition")
    if condition is None:
        raise Reject(node, "a `for` loop without a condition is not supported")
    op, bound = _comparison(ctx, condition, var)
    if mentions(bound, {var}):
        raise Reject(condition, f"the loop bound in `{text(condition)}` depends on the loop variable `{var}`")
    step, extras = _update(ctx, node, var)
    if (step > 0 and op in (">", ">=")) or (step < 0 and op in ("<", "<=")):
        raise Reject(node, f"the loop `{var}` moves away from its bound; it would not terminate as written")
    if op == "!=" and abs(step) != 1:
        raise Reject(condition, f"`{var} != bound` with step {step} is not supported; use `<` or `>`")
    match op:
        case "<=":
            stop = add(bound, const_int(1))
        case ">=":
            stop = sub(bound, const_int(1))
        case _:
            stop = bound
    return Loop(var, dtype, convert(start, dtype), stop, step), extras, before


def _init(ctx: Ctx, node: Node) -> tuple[str, DType, Expr, list[Assign]]:
    """The counter (the first variable the initialiser sets), its start, and the other scalars it sets."""
    init = node.child_by_field_name("initializer")
    if init is None:
        raise Reject(node, "a `for` loop without an initialiser is not supported; start the counter in the header")
    before: list[Assign] = []
    if init.type == "declaration":
        base = type_info(init.child_by_field_name("type"))
        counter: tuple[str, DType, Expr] | None = None
        for declarator in init.children_by_field_name("declarator"):
            decl = declared(base, declarator)
            if decl is None or decl.rank or decl.init is None or (base.dtype is None and not base.auto):
                raise Reject(init, f"the loop initialiser `{text(init)}` does not declare integer scalars")
            value = expr(ctx, decl.init)
            dtype = value.dtype if base.dtype is None else base.dtype  # `auto i = 0u` takes its value's type
            if counter is None:
                if not dtype.is_int:
                    raise Reject(init, f"the loop initialiser `{text(init)}` is not an integer counter")
                counter = (decl.name, dtype, value)
            else:
                before.append(Assign(VarRef(decl.name, dtype), convert(value, dtype), span_of(init)))
            ctx.declare(decl.name, ScalarSym(decl.name, dtype))
            ctx.add_local(_scalar_local(decl.name, dtype))
        if counter is None:
            raise Reject(init, f"the loop initialiser `{text(init)}` declares nothing")
        return (*counter, before)
    parts = _comma_parts(init)
    found: tuple[str, DType, Expr] | None = None
    for part in parts:
        left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
        sym = ctx.lookup(text(left)) if left is not None and left.type == "identifier" else None
        if part.type != "assignment_expression" or operator(part) != "=" or right is None:
            raise Reject(part, f"the loop initialiser `{text(part)}` is not an assignment")
        if not isinstance(sym, ScalarSym) or sym.deref:
            raise Reject(part, f"the loop initialiser `{text(part)}` does not set a scalar")
        value = expr(ctx, right)
        if found is None:
            if not sym.dtype.is_int:
                raise Reject(init, f"the loop initialiser `{text(part)}` is not an integer counter")
            found = (sym.name, sym.dtype, value)
        else:
            before.append(Assign(VarRef(sym.name, sym.dtype), convert(value, sym.dtype), span_of(part)))
    assert found is not None  # _comma_parts returns at least one part
    return (*found, before)


def _scalar_local(name: str, dtype: DType) -> Param:
    return Param(name, "scalar", dtype)


def _comparison(ctx: Ctx, condition: Node, var: str) -> tuple[str, Expr]:
    """`var OP bound`, `bound OP var`, and `var + e OP bound` (read as `var OP bound - e`) -> (OP, bound)."""
    if condition.type == "binary_expression":
        op = operator(condition)
        left, right = condition.child_by_field_name("left"), condition.child_by_field_name("right")
        if op in _FLIP and left is not None and right is not None:
            for mine, other, flipped in ((left, right, op), (right, left, _FLIP[op])):
                shift = _shift(ctx, mine, var)
                if shift is not None:
                    return flipped, sub(expr(ctx, other), shift)
    raise Reject(condition, f"the loop condition `{text(condition)}` is not a comparison of `{var}` with a bound")


def _shift(ctx: Ctx, node: Node, var: str) -> Expr | None:
    """0 for `var`, `e` for `var + e` / `e + var`, `-e` for `var - e` (e not reading var); else None."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "identifier":
        return const_int(0) if text(node) == var else None
    if node.type != "binary_expression" or operator(node) not in ("+", "-"):
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return None
    if left.type == "identifier" and text(left) == var and var not in identifiers(ctx, right):
        amount = expr(ctx, right)
        return amount if operator(node) == "+" else sub(const_int(0), amount)
    mine = right.type == "identifier" and text(right) == var
    if operator(node) == "+" and mine and var not in identifiers(ctx, left):
        return expr(ctx, left)
    return None


def _update(ctx: Ctx, node: Node, var: str) -> tuple[int, list[Node]]:
    update = node.child_by_field_name("update")
    if update is None:
        raise Reject(node, f"a `for` loop without an update of `{var}` is not supported")
    parts = _comma_parts(update)
    steps = [(part, _step(ctx, part, var)) for part in parts]
    mine = [(part, step) for part, step in steps if step is not None]
    if len(mine) != 1:
        raise Reject(update, f"the loop update `{text(update)}` does not step `{var}` by a constant")
    return mine[0][1] or 0, [part for part, step in steps if step is None]


def _comma_parts(node: Node) -> list[Node]:
    if node.type != "comma_expression":
        return [node]
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    return [*_comma_parts(left), *_comma_parts(right)] if left is not None and right is not None else [node]


def _step(ctx: Ctx, part: Node, var: str) -> int | None:
    """The constant step `part` applies to `var`; None when `part` does not touch `var`."""
    if part.type == "update_expression":
        argument = part.child_by_field_name("argument")
        if argument is None or text(argument) != var:
            return None
        return 1 if operator(part) == "++" else -1
    if part.type == "assignment_expression":
        left, right = part.child_by_field_name("left"), part.child_by_field_name("right")
        if left is None or right is None or text(left) != var:
            return None
        op = operator(part)
        if op in ("+=", "-="):
            amount = int_value(expr(ctx, right))
            if amount:
                return amount if op == "+=" else -amount
        if op == "=" and right.type == "binary_expression":
            inner_op = operator(right)
            a, b = right.child_by_field_name("left"), right.child_by_field_name("right")
            if a is not None and b is not None and inner_op in ("+", "-"):
                if text(a) == var and var not in identifiers(ctx, b):
                    amount = int_value(expr(ctx, b))
                    if amount:
                        return amount if inner_op == "+" else -amount
                if inner_op == "+" and text(b) == var and var not in identifiers(ctx, a):
                    amount = int_value(expr(ctx, a))
                    if amount:
                        return amount
        raise Reject(part, f"the loop update `{text(part)}` does not step `{var}` by a non-zero constant")
    return None


# ------------------------------------------------------------------------------------------- pointer loops


def pointer_header(ctx: Ctx, node: Node) -> tuple[Loop, str] | None:
    """`for (T *p = a; p < a + n; p++)` (also `p != end`, `p += 2`, `p = start` on a pointer declared before):
    a loop over p's offset into its array. Declares the offset variable and p (as `base[offset]`) in the current
    scope; returns the loop and p's name, or None when the initialiser does not set a pointer."""
    init = node.child_by_field_name("initializer")
    if init is None:
        return None
    if init.type == "declaration":
        declarators = init.children_by_field_name("declarator")
        decl = declared(type_info(init.child_by_field_name("type")), declarators[0]) if declarators else None
        if len(declarators) != 1 or decl is None or decl.pointers != 1 or decl.sizes or decl.init is None:
            return None
        name, start_node = decl.name, decl.init
    elif init.type == "assignment_expression" and operator(init) == "=":
        left, right = init.child_by_field_name("left"), init.child_by_field_name("right")
        sym = ctx.lookup(text(left)) if left is not None and left.type == "identifier" else None
        if not isinstance(sym, ViewSym) or not sym.pointer or right is None:
            return None
        name, start_node = text(left), right
    else:
        return None
    start = view_of(ctx, start_node)
    if start.rank != 1:
        raise Reject(init, f"a loop over the rows of `{text(start_node)}` is not supported")
    condition = node.child_by_field_name("condition")
    if condition is None or condition.type != "binary_expression" or operator(condition) not in _FLIP:
        raise Reject(node, f"the loop over the pointer `{name}` needs a condition comparing it with an end")
    left, right = condition.child_by_field_name("left"), condition.child_by_field_name("right")
    op = operator(condition)
    if left is not None and left.type == "identifier" and text(left) == name and right is not None:
        end_node = right
    elif right is not None and right.type == "identifier" and text(right) == name and left is not None:
        end_node, op = left, _FLIP[op]
    else:
        raise Reject(condition, f"the loop condition `{text(condition)}` does not compare `{name}` with an end")
    end = view_of(ctx, end_node)
    if (end.base, end.prefix) != (start.base, start.prefix):
        raise Reject(condition, f"`{text(end_node)}` points into a different array than `{name}`")
    step = _pointer_step(ctx, node, name)
    if (step > 0 and op in (">", ">=")) or (step < 0 and op in ("<", "<=")) or (op == "!=" and abs(step) != 1):
        raise Reject(node, f"the loop over `{name}` does not move towards its end")
    stop = {"<=": add(end.offset, const_int(1)), ">=": sub(end.offset, const_int(1))}.get(op, end.offset)
    index = ctx.fresh(name)
    ctx.declare(index, ScalarSym(index, DType.I64))
    ctx.add_local(_scalar_local(index, DType.I64))
    ctx.declare(name, ViewSym(start.base, start.dtype, 1, start.prefix, Var(index, DType.I64)))
    return Loop(index, DType.I64, convert(start.offset, DType.I64), stop, step), name


def _pointer_step(ctx: Ctx, node: Node, name: str) -> int:
    update = node.child_by_field_name("update")
    step = _step(ctx, update, name) if update is not None and update.type != "comma_expression" else None
    if step is None:
        raise Reject(node, f"the loop over the pointer `{name}` does not move it by a constant")
    return step


# ------------------------------------------------------------------------------------------ carried pointers


def carried_pointers(
    ctx: Ctx, body: Node | None, extras: list[Node], loop: Loop
) -> dict[str, tuple[ViewSym, Expr | None]]:
    """Pointers alive before the loop that its body moves: name -> (view at entry, per-iteration move, or None when
    the body re-points it, so its entry value is never carried over)."""
    written = assigned_names(ctx, body)
    for extra in extras:
        written |= assigned_names(ctx, extra) | identifiers(ctx, extra)
    result: dict[str, tuple[ViewSym, Expr | None]] = {}
    for name, sym in list(ctx.visible()):
        if not isinstance(sym, ViewSym) or not sym.pointer or name not in written:
            continue
        per: Expr | None = const_int(0)
        for part in ([body] if body is not None else []) + extras:
            moved_by = _moves(ctx, part, name, loop)
            per = None if per is None or moved_by is None else add(per, moved_by)
        result[name] = (sym, per)
    return result


def _moves(ctx: Ctx, node: Node, name: str, loop: Loop) -> Expr | None:
    """How far one execution of `node` moves pointer `name` (None: it re-points it)."""
    kind = node.type
    if kind == "update_expression":
        argument = node.child_by_field_name("argument")
        if argument is not None and argument.type == "identifier" and text(argument) == name:
            return const_int(1 if operator(node) == "++" else -1)
    if kind == "assignment_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and left.type == "identifier" and text(left) == name and right is not None:
            op = operator(node)
            if op in ("+=", "-="):
                amount = expr(ctx, right)
                return amount if op == "+=" else binary(BinOp.SUB, const_int(0), amount)
            if op == "=" and right.type == "binary_expression":
                a, b = right.child_by_field_name("left"), right.child_by_field_name("right")
                inner = operator(right)
                if a is not None and b is not None and text(a) == name and inner in ("+", "-"):
                    amount = expr(ctx, b)
                    return amount if inner == "+" else binary(BinOp.SUB, const_int(0), amount)
            return None
    if kind in ("if_statement", "conditional_expression", "while_statement", "do_statement", "switch_statement",
                "for_range_loop"):
        if name in assigned_names(ctx, node):
            raise Reject(node, f"the pointer `{name}` is moved conditionally or in a loop the frontend cannot count")
        return const_int(0)
    if kind == "for_statement":
        return _moves_in_loop(ctx, node, name, loop)
    total: Expr = const_int(0)
    for child in node.named_children:
        moved_by = _moves(ctx, child, name, loop)
        if moved_by is None:
            return None
        total = add(total, moved_by)
    return total


def _moves_in_loop(ctx: Ctx, node: Node, name: str, outer: Loop) -> Expr | None:
    body = node.child_by_field_name("body")
    if name not in assigned_names(ctx, body) and name not in assigned_names(ctx, node.child_by_field_name("update")):
        return const_int(0)
    ctx.scopes.append({})
    try:
        inner, extras, _ = header(ctx, node)
        per: Expr | None = const_int(0)
        for part in ([body] if body is not None else []) + extras:
            moved_by = _moves(ctx, part, name, inner)
            per = None if per is None or moved_by is None else add(per, moved_by)
    finally:
        ctx.scopes.pop()
    if per is None:
        return None
    count_expr = trips(inner)
    if mentions(count_expr, {outer.var}):
        raise Reject(node, f"the pointer `{name}` moves a number of times that depends on `{outer.var}` "
                           "(a triangular loop)")
    return mul(count_expr, per)
