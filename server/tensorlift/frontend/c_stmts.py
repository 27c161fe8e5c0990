"""C/C++ statements to Kernel statements.

`block` translates a statement sequence in a new scope. Each statement is translated on its own: a construct the
Kernel IR cannot express becomes `Unsupported(reason, span)` and the rest of the function still translates.
Declarations of pointers only move `ViewSym`s (no Kernel statement); allocations, vectors and `push_back` are
c_alloc's; loop headers and the pointers loops move are c_loops'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tree_sitter import Node

from ..common import DType
from ..kernel.nodes import (
    Alloc,
    Assign,
    Const,
    Dim,
    Expr,
    For,
    If,
    Load,
    Param,
    Return,
    Stmt,
    Store,
    Unsupported,
    Var,
    VarRef,
)
from ..kernel.visit import arrays_written, free_vars, scalars_written, walk_expr
from .c_alloc import (
    allocation,
    declare_array,
    declare_vector,
    finish_push,
    is_null,
    mem_loop,
    push_back,
    resize,
)
from .c_arith import const_int, convert, mul, negate, truthy
from .c_context import BoundSym, Ctx, Loop, OpaqueSym, Reject, ScalarSym, ViewSym, moved, span_of
from .c_exprs import arith, callee, expr, place, points, view_of
from .c_loops import (
    assigned_names,
    carried_pointers,
    count,
    header,
    identifiers,
    pointer_header,
    trips,
)
from .c_types import Decl, TypeInfo, brief, declared, operator, text, type_info

_UNSUPPORTED_STATEMENTS = {
    "while_statement": "`while` loops are not supported; rewrite as a `for` loop",
    "do_statement": "`do`/`while` loops are not supported; rewrite as a `for` loop",
    "break_statement": "`break` is not supported: loops must run their whole range",
    "continue_statement": "`continue` is not supported; use an `if` around the rest of the body",
    "goto_statement": "`goto` is not supported",
    "labeled_statement": "labels are not supported",
    "switch_statement": "`switch` is not supported; use `if`/`else if`",
    "case_statement": "`switch` is not supported; use `if`/`else if`",
    "try_statement": "`try` is not supported",
    "throw_statement": "`throw` is not supported",
    "type_definition": "type definitions inside functions are not supported",
    "struct_specifier": "struct definitions inside functions are not supported",
    "function_definition": "a function definition inside a function: is a `}` missing above?",
}
_IGNORED = frozenset({"comment", "preproc_call", "pragma"})  # `#pragma omp ...` does not change the result
_NO_EFFECT_CALLS = frozenset({"free", "reserve", "shrink_to_fit", "assert"})


def block(ctx: Ctx, nodes: Iterable[Node]) -> list[Stmt]:
    """Translate statements in a new scope; finish the vectors declared empty in it."""
    out: list[Stmt] = []
    ctx.scopes.append({})
    before = set(ctx.pushes)
    try:
        for node in nodes:
            statement(ctx, node, out)
    finally:
        ctx.scopes.pop()
        for name in [name for name in ctx.pushes if name not in before]:
            finish_push(ctx, ctx.pushes.pop(name), out)
    return out


def statement(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    try:
        _statement(ctx, node, out)
    except Reject as reject:
        out.append(Unsupported(reject.message, span_of(node)))
    except RecursionError:
        out.append(Unsupported(f"line {node.start_point[0] + 1}: this statement is nested too deeply",
                               span_of(node)))


def _statement(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    kind = node.type
    if kind in _IGNORED:
        return
    if node.is_error or node.is_missing:
        raise Reject(node, f"syntax error near `{brief(node)}`")
    if node.has_error and kind not in ("compound_statement", "for_statement", "if_statement", "for_range_loop"):
        raise Reject(_first_error(node), "syntax error in this statement; fix it to lift the code")
    if kind in _UNSUPPORTED_STATEMENTS:
        raise Reject(node, _UNSUPPORTED_STATEMENTS[kind])
    if kind == "compound_statement":
        out.extend(block(ctx, node.named_children))
    elif kind == "expression_statement":
        _expression_statement(ctx, node, out)
    elif kind == "declaration":
        _declaration(ctx, node, out)
    elif kind == "for_statement":
        _for(ctx, node, out)
    elif kind == "for_range_loop":
        _range_for(ctx, node, out)
    elif kind == "if_statement":
        _if(ctx, node, out)
    elif kind == "return_statement":
        _return(ctx, node, out)
    elif kind.startswith("preproc_"):
        raise Reject(node, "preprocessor conditionals inside functions are not supported")
    else:
        raise Reject(node, f"the statement `{brief(node)}` ({kind.replace('_', ' ')}) is not supported")


def _first_error(node: Node) -> Node:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current
        stack.extend(reversed([c for c in current.children if c.has_error]))
    return node


# ------------------------------------------------------------------------------------- expression statements


def _expression_statement(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    if node.named_child_count == 0:
        return
    effect = node.named_children[0]
    if node.named_child_count != 1 or effect.type == "comma_expression":
        raise Reject(node, "the comma operator is not supported; write one statement per effect")
    if effect.type == "assignment_expression":
        _assign(ctx, effect, out, node)
    elif effect.type == "update_expression":
        _increment(ctx, effect, out, node)
    elif effect.type == "call_expression":
        _call_statement(ctx, effect, out, node)
    elif effect.type == "delete_expression" or _is_void_cast(effect):
        return  # `delete[] t;` frees a temporary; `(void)x;` silences a warning
    else:
        expr(ctx, effect)  # rejects what it cannot read; a pure expression statement has no effect


def _is_void_cast(node: Node) -> bool:
    if node.type != "cast_expression":
        return False
    descriptor = node.child_by_field_name("type")
    return descriptor is not None and text(descriptor) == "void"


def _assign(ctx: Ctx, node: Node, out: list[Stmt], stmt: Node) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    op = operator(node)
    if left is None or right is None:
        raise Reject(node, "incomplete assignment")
    if left.type == "identifier":
        sym = ctx.lookup(text(left))
        if isinstance(sym, ViewSym) and sym.rank >= 1:
            _repoint(ctx, text(left), sym, op, right, out, stmt)
            return
        if isinstance(sym, BoundSym):
            raise Reject(left, f"`{text(left)}` is a constant")
    target = place(ctx, left, write=True)
    value = expr(ctx, right)
    if op != "=":
        value = arith(node, op[:-1], _read(target), value)
    out.append(Assign(target, convert(value, target.dtype), span_of(stmt)))


def _repoint(ctx: Ctx, name: str, sym: ViewSym, op: str, right: Node, out: list[Stmt], stmt: Node) -> None:
    """An assignment to a pointer or array name: a move, a new allocation, or an alias of another array."""
    if not sym.pointer:
        raise Reject(stmt, f"assigning the whole array `{name}` is not supported")
    if op in ("+=", "-="):
        amount = expr(ctx, right)
        ctx.update(name, moved(sym, amount if op == "+=" else negate(amount)))
        return
    if op != "=":
        raise Reject(stmt, f"`{op}` on the pointer `{name}` is not supported")
    allocated = allocation(ctx, right, sym.dtype)
    if allocated is not None:
        shape, init = allocated
        if sym.rank != 1:
            raise Reject(stmt, f"allocating rows for `{name}` one by one is not supported")
        out.append(Alloc(name, shape, sym.dtype, init, span_of(stmt)))
        ctx.update(name, ViewSym(name, sym.dtype, 1, pointer=True))
        ctx.add_local(Param(name, "array", sym.dtype, 1, shape))
        return
    if is_null(right):
        ctx.update(name, replace(sym, poison=f"the pointer `{name}` is null here"))
        return
    view = view_of(ctx, right)
    if view.rank != sym.rank:
        raise Reject(stmt, f"`{name}` and `{text(right)}` have different ranks")
    ctx.update(name, replace(view, pointer=True))


def _increment(ctx: Ctx, node: Node, out: list[Stmt], stmt: Node) -> None:
    argument = node.child_by_field_name("argument")
    if argument is None:
        raise Reject(node, "incomplete increment")
    if argument.type == "identifier" and points(ctx, argument):
        view_of(ctx, node)  # moves the pointer
        return
    target = place(ctx, argument, write=True)
    one = const_int(1)
    op = operator(node)
    value = arith(node, "+" if op == "++" else "-", _read(target), one)
    out.append(Assign(target, convert(value, target.dtype), span_of(stmt)))


def _call_statement(ctx: Ctx, node: Node, out: list[Stmt], stmt: Node) -> None:
    function = node.child_by_field_name("function")
    if function is not None and function.type == "field_expression":
        method = text(function.child_by_field_name("field"))
        receiver = function.child_by_field_name("argument")
        if method in ("push_back", "emplace_back") and receiver is not None:
            push_back(ctx, node, receiver, out, stmt)
            return
        if method in ("resize", "assign") and receiver is not None:
            resize(ctx, node, receiver, out, stmt)
            return
        if method in _NO_EFFECT_CALLS:
            return
        raise Reject(node, f"the method call `.{method}(...)` is not supported")
    name = callee(node)
    if name in _NO_EFFECT_CALLS:
        return
    if name in ("memset", "memcpy"):
        mem_loop(ctx, node, name, out, stmt)
        return
    expr(ctx, node)  # a known pure function called for nothing; anything else is rejected with its name


def _read(target: VarRef | Store) -> Expr:
    if isinstance(target, VarRef):
        return Var(target.name, target.dtype)
    return Load(target.array, target.indices, target.dtype)


# ----------------------------------------------------------------------------------------------- declarations


def _declaration(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    base = type_info(node.child_by_field_name("type"))
    qualifiers = {text(child) for child in node.children if child.type == "type_qualifier"}
    constant = bool(qualifiers & {"const", "constexpr"})
    for child in node.children_by_field_name("declarator"):
        decl = declared(base, child)
        if decl is None:
            out.append(Unsupported(f"line {child.start_point[0] + 1}: the declarator `{brief(child)}` is not "
                                   "supported", span_of(node)))
            continue
        try:
            _declare(ctx, decl, constant, out, node)
        except Reject as reject:
            ctx.declare(decl.name, OpaqueSym(reject.reason))
            out.append(Unsupported(reject.message, span_of(node)))


def _declare(ctx: Ctx, decl: Decl, constant: bool, out: list[Stmt], node: Node) -> None:
    name, base, span = decl.name, decl.base, span_of(node)
    if decl.reference:
        _declare_reference(ctx, decl, node)
        return
    if base.dtype is None:
        if base.auto and decl.rank == 0 and decl.init is not None and not points(ctx, decl.init):
            base = TypeInfo(expr(ctx, decl.init).dtype)
            decl = replace(decl, base=base)
        elif base.auto and decl.init is not None and points(ctx, decl.init):
            view = view_of(ctx, decl.init)
            # `auto row = m[i]` copies a vector row; `auto p = a` copies a pointer (an alias that can move)
            ctx.declare(name, replace(view, copy=True) if view.container else replace(view, pointer=True))
            return
        else:
            raise Reject(node, f"`{name}` has {base.problem or 'an unknown type'}, which is not supported")
    dtype = base.dtype
    assert dtype is not None
    if base.vector_rank:
        if decl.pointers or decl.sizes:
            raise Reject(node, f"pointers to or arrays of vectors (`{name}`) are not supported")
        declare_vector(ctx, decl, dtype, out, node)
        return
    if decl.sizes:
        declare_array(ctx, decl, dtype, out, node, constant)
        return
    if decl.pointers:
        _declare_pointer(ctx, decl, dtype, out, node)
        return
    # A scalar.
    init_node = _single_initialiser(decl)
    value = expr(ctx, init_node) if init_node is not None else None
    if constant and value is not None and isinstance(value, Const):
        ctx.declare(name, BoundSym(convert(value, dtype)))
        return
    ctx.declare(name, ScalarSym(name, dtype))
    ctx.add_local(Param(name, "scalar", dtype))
    if value is not None:
        out.append(Assign(VarRef(name, dtype), convert(value, dtype), span))


def _single_initialiser(decl: Decl) -> Node | None:
    if decl.ctor is not None:
        if len(decl.ctor) != 1:
            raise Reject(decl.node, f"`{decl.name}` is initialised with several values")
        return decl.ctor[0]
    init = decl.init
    if init is not None and init.type == "initializer_list":
        if init.named_child_count != 1:
            raise Reject(init, f"the initialiser `{brief(init)}` is not supported")
        return init.named_children[0]
    return init


def _declare_reference(ctx: Ctx, decl: Decl, node: Node) -> None:
    init = decl.init
    if init is None:
        raise Reject(node, f"the reference `{decl.name}` has no initialiser")
    if decl.rank or points(ctx, init):
        view = view_of(ctx, init)
        ctx.declare(decl.name, replace(view, pointer=False))
        return
    target = place(ctx, init)
    if isinstance(target, VarRef):
        ctx.declare(decl.name, ScalarSym(target.name, target.dtype))
    else:
        ctx.declare(decl.name, ViewSym(target.array, target.dtype, 0, target.indices))


def _declare_pointer(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node) -> None:
    name = decl.name
    if decl.init is None or is_null(decl.init):
        reason = f"the pointer `{name}` is used before it is assigned"
        ctx.declare(name, ViewSym(name, dtype, decl.pointers, pointer=True, poison=reason))
        return
    allocated = allocation(ctx, decl.init, dtype)
    if allocated is not None:
        if decl.pointers != 1:
            raise Reject(node, f"allocating an array of pointers (`{name}`) is not supported")
        shape, init = allocated
        out.append(Alloc(name, shape, dtype, init, span_of(node)))
        ctx.declare(name, ViewSym(name, dtype, 1, pointer=True))
        ctx.add_local(Param(name, "array", dtype, 1, shape))
        return
    view = view_of(ctx, decl.init)
    if view.rank != decl.pointers:
        raise Reject(node, f"`{name}` points into `{brief(decl.init)}` with a different rank")
    ctx.declare(name, replace(view, pointer=True))


# --------------------------------------------------------------------------------------------- control flow


def _for(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    for part in ("initializer", "condition", "update"):
        child = node.child_by_field_name(part)
        if child is not None and child.has_error:
            raise Reject(_first_error(child), "syntax error in the loop header")
    body_node = node.child_by_field_name("body")
    if body_node is None or any(c.is_missing or c.is_error for c in node.children):
        raise Reject(node, "this `for` loop is incomplete")
    ctx.scopes.append({})
    try:
        walked = pointer_header(ctx, node)
        if walked is not None:
            loop, counter = walked
            extras: list[Node] = []
            before: list[Assign] = []
        else:
            loop, extras, before = header(ctx, node)
            counter = loop.var
        bound_names = identifiers(ctx, node.child_by_field_name("condition")) - {counter}
        written = assigned_names(ctx, body_node)
        if counter in written:
            raise Reject(node, f"the loop body modifies the loop variable `{counter}`")
        changed = sorted(n for n in written & bound_names if not isinstance(ctx.lookup(n), ViewSym))
        if changed:
            raise Reject(node, f"the loop body modifies `{changed[0]}`, which the loop condition reads")
        carried = carried_pointers(ctx, body_node, extras, loop)
        for name, (view, per) in carried.items():
            reset = f"the pointer `{name}` is used before the loop body re-points it"
            ctx.update(name, moved(view, mul(count(loop), per)) if per is not None else replace(view, poison=reset))
        ctx.loops.append(loop)
        try:
            body = block(ctx, [body_node])
            for extra in extras:
                _extra_update(ctx, extra, body)
        finally:
            ctx.loops.pop()
        # C re-reads the bound every iteration, `range` once: the body must leave what the bound reads alone.
        loaded = {e.array for e in walk_expr(loop.stop) if isinstance(e, Load)}  # extents (`Dim`) cannot change
        changed_bound = (scalars_written(body) & free_vars(loop.stop)) | (arrays_written(body) & loaded)
        if changed_bound:
            raise Reject(node, f"the loop body modifies `{min(changed_bound)}`, which the loop condition reads")
    finally:
        ctx.scopes.pop()
    for name, (view, per) in carried.items():
        after = f"the pointer `{name}` is used after a loop that re-points it"
        ctx.update(name, moved(view, mul(trips(loop), per)) if per is not None else replace(view, poison=after))
    if walked is not None and isinstance(ctx.lookup(counter), ViewSym):  # `p = a` form: p outlives the loop
        ctx.update(counter, ViewSym(counter, DType.I32, 1, poison=f"`{counter}` is used after the loop it walks"))
    out.extend(before)
    out.append(For(loop.var, loop.start, loop.stop, loop.step, tuple(body), span_of(node)))


def _extra_update(ctx: Ctx, node: Node, body: list[Stmt]) -> None:
    """`p++` / `k += 2` in a header's update list: it runs at the end of every iteration."""
    try:
        if node.type == "update_expression":
            _increment(ctx, node, body, node)
        elif node.type == "assignment_expression":
            _assign(ctx, node, body, node)
        else:
            raise Reject(node, f"the loop update `{brief(node)}` is not supported")
    except Reject as reject:
        body.append(Unsupported(reject.message, span_of(node)))


def _range_for(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    if node.has_error:
        raise Reject(_first_error(node), "syntax error in this range-based `for` loop")
    declarator, right, body_node = (node.child_by_field_name(f) for f in ("declarator", "right", "body"))
    if declarator is None or right is None or body_node is None:
        raise Reject(node, "this range-based `for` loop is incomplete")
    base = type_info(node.child_by_field_name("type"))
    decl = declared(base if base.dtype is not None else TypeInfo(DType.I32), declarator)
    if decl is None:
        raise Reject(declarator, f"the loop variable `{brief(declarator)}` is not supported")
    view = view_of(ctx, right)
    if view.pointer or view.rank == 0:
        raise Reject(right, f"a range-based `for` over `{brief(right)}` is not supported")
    if decl.name in assigned_names(ctx, body_node) and not decl.reference:
        raise Reject(node, f"the loop assigns to `{decl.name}`, a copy of each element; writes to copies are not "
                           "supported (declare it as a reference, `auto&`, if the elements should change)")
    index_name = ctx.fresh(decl.name)
    index = Var(index_name, DType.I64)
    element = ViewSym(view.base, view.dtype, view.rank - 1, view.indices((index,)), container=view.container,
                      copy=view.copy or not decl.reference)
    ctx.add_local(Param(index_name, "scalar", DType.I64))
    loop = Loop(index_name, DType.I64, Const(0, DType.I64), Dim(view.base, len(view.prefix)), 1)
    ctx.scopes.append({})
    ctx.loops.append(loop)
    try:
        if element.rank == 0 and not decl.reference and base.dtype is not None and base.dtype is not view.dtype:
            ctx.declare(decl.name, BoundSym(convert(Load(element.base, element.prefix, view.dtype), base.dtype)))
        else:
            ctx.declare(decl.name, element)
        body = block(ctx, [body_node])
    finally:
        ctx.loops.pop()
        ctx.scopes.pop()
    out.append(For(index_name, loop.start, loop.stop, 1, tuple(body), span_of(node)))


def _if(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    condition = node.child_by_field_name("condition")
    consequence = node.child_by_field_name("consequence")
    if condition is None or consequence is None or condition.has_error:
        raise Reject(condition if condition is not None else node, "syntax error in the `if` condition")
    if condition.type == "condition_clause":
        value = condition.child_by_field_name("value")
        if value is None or condition.named_child_count != 1:
            raise Reject(condition, "declarations in `if` conditions are not supported")
        condition = value
    cond = truthy(expr(ctx, condition))
    alternative = node.child_by_field_name("alternative")
    if alternative is not None and alternative.type == "else_clause":
        alternative = alternative.named_children[0] if alternative.named_child_count else None
    then = _branch(ctx, consequence)
    other = _branch(ctx, alternative) if alternative is not None else []
    out.append(If(cond, tuple(then), tuple(other), span_of(node)))


def _branch(ctx: Ctx, node: Node) -> list[Stmt]:
    pointers = {name: sym for name, sym in ctx.visible() if isinstance(sym, ViewSym) and sym.pointer}
    ctx.cond_depth += 1
    try:
        body = block(ctx, [node])
    finally:
        ctx.cond_depth -= 1
    for name, sym in pointers.items():
        if ctx.lookup(name) != sym:
            ctx.update(name, sym)
            raise Reject(node, f"the pointer `{name}` is moved conditionally")
    return body


def _return(ctx: Ctx, node: Node, out: list[Stmt]) -> None:
    span = span_of(node)
    if node.named_child_count == 0:
        out.append(Return(None, span))
        return
    value_node = node.named_children[0]
    if points(ctx, value_node):
        view = view_of(ctx, value_node)
        if view.prefix or view.offset != const_int(0):
            raise Reject(node, "returning a pointer into the middle of an array is not supported")
        out.append(Return(Var(view.base, view.dtype), span))
        return
    value = expr(ctx, value_node)
    if ctx.return_dtype is not None:
        value = convert(value, ctx.return_dtype)
    out.append(Return(value, span))


