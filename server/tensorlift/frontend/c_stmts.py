"""C/C++ statements to Kernel statements.

`block` translates a statement sequence in a new scope. Each statement is translated on its own: a construct the
Kernel IR cannot express becomes `Unsupported(reason, span)` and the rest of the function still translates.
Declarations of pointers only move `ViewSym`s (no Kernel statement); allocations become `Alloc`; a vector
declared empty becomes a placeholder `Alloc` whose shape is filled in when its block ends, from the one
`push_back` site (the counter of the loops between the declaration and the call).
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
from ..kernel.visit import map_stmts
from .c_arith import add, const_int, convert, mul, negate, truthy
from .c_context import BoundSym, Ctx, Loop, OpaqueSym, PushBack, Reject, ScalarSym, ViewSym, moved, span_of
from .c_exprs import arith, callee, expr, number, place, points, view_of
from .c_loops import (
    assigned_names,
    carried_pointers,
    count,
    header,
    identifiers,
    mentions,
    pointer_header,
    trips,
)
from .c_query import reparse_expression
from .c_types import Decl, TypeInfo, declared, operator, text, type_info

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
            _finish_push(ctx, ctx.pushes.pop(name), out)
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
        raise Reject(node, f"syntax error near `{_short(node)}`")
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
        raise Reject(node, f"the statement `{_short(node)}` ({kind.replace('_', ' ')}) is not supported")


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
    target = place(ctx, left)
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
    allocation = _allocation(ctx, right, sym.dtype)
    if allocation is not None:
        shape, init = allocation
        if sym.rank != 1:
            raise Reject(stmt, f"allocating rows for `{name}` one by one is not supported")
        out.append(Alloc(name, shape, sym.dtype, init, span_of(stmt)))
        ctx.update(name, ViewSym(name, sym.dtype, 1, pointer=True))
        ctx.add_local(Param(name, "array", sym.dtype, 1, shape))
        return
    if _is_null(right):
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
    target = place(ctx, argument)
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
            _push_back(ctx, node, receiver, out, stmt)
            return
        if method in ("resize", "assign") and receiver is not None:
            _resize(ctx, node, receiver, out, stmt)
            return
        if method in _NO_EFFECT_CALLS:
            return
        raise Reject(node, f"the method call `.{method}(...)` is not supported")
    name = callee(node)
    if name in _NO_EFFECT_CALLS:
        return
    if name in ("memset", "memcpy"):
        _mem_loop(ctx, node, name, out, stmt)
        return
    expr(ctx, node)  # a known pure function called for nothing; anything else is rejected with its name


def _resize(ctx: Ctx, node: Node, receiver: Node, out: list[Stmt], stmt: Node) -> None:
    """`v.resize(n)` / `v.assign(n, x)` on a vector declared empty: the allocation happens here."""
    name = text(receiver)
    info = ctx.pushes.get(name)
    args = node.child_by_field_name("arguments")
    values = list(args.named_children) if args is not None else []
    if info is None or info.shape is not None or info.consumed or not 1 <= len(values) <= 2:
        raise Reject(node, f"`{_short(node)}` is supported only once, on a vector declared empty")
    if ctx.cond_depth > info.cond_depth or len(ctx.loops) > info.loop_depth:
        raise Reject(node, f"`{_short(node)}` inside a loop or an `if` is not supported")
    sym = ctx.lookup(name)
    if not isinstance(sym, ViewSym) or sym.rank != 1:
        raise Reject(node, f"`{_short(node)}` on a nested vector is not supported")
    fill = convert(expr(ctx, values[1]), info.dtype) if len(values) == 2 else _zero(info.dtype)
    info.consumed = True  # the placeholder goes; this Alloc replaces it
    shape = (expr(ctx, values[0]),)
    out.append(Alloc(name, shape, info.dtype, fill, span_of(stmt)))
    ctx.add_local(Param(name, "array", info.dtype, 1, shape))


def _mem_loop(ctx: Ctx, node: Node, name: str, out: list[Stmt], stmt: Node) -> None:
    """`memset(p, 0, count * sizeof(T))` and `memcpy(dst, src, count * sizeof(T))` as the loops they are."""
    args = node.child_by_field_name("arguments")
    values = list(args.named_children) if args is not None else []
    if len(values) != 3:
        raise Reject(node, f"`{name}` takes three arguments")
    target = view_of(ctx, values[0])
    if target.rank != 1:
        raise Reject(node, f"`{name}` over the rows of `{text(values[0])}` is not supported")
    if name == "memset":
        value = expr(ctx, values[1])
        if value != const_int(0):
            raise Reject(node, "`memset` with a value other than 0 sets bytes, not elements; not supported")
        source: ViewSym | None = None
    else:
        source = view_of(ctx, values[1])
        if source.rank != 1:
            raise Reject(node, f"`memcpy` from the rows of `{text(values[1])}` is not supported")
    count_expr = _sizeof_count(ctx, values[2])
    index_name = ctx.fresh("k")
    index = Var(index_name, DType.I64)
    ctx.add_local(Param(index_name, "scalar", DType.I64))
    element = (index,)
    copied = _zero(target.dtype) if source is None else convert(
        Load(source.base, source.indices(element), source.dtype), target.dtype)
    write = Assign(Store(target.base, target.indices(element), target.dtype), copied, span_of(stmt))
    out.append(For(index_name, Const(0, DType.I64), count_expr, 1, (write,), span_of(stmt)))


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
            out.append(Unsupported(f"line {child.start_point[0] + 1}: the declarator `{_short(child)}` is not "
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
            ctx.declare(name, replace(view, pointer=True))
            return
        else:
            raise Reject(node, f"`{name}` has {base.problem or 'an unknown type'}, which is not supported")
    dtype = base.dtype
    assert dtype is not None
    if base.vector_rank:
        if decl.pointers or decl.sizes:
            raise Reject(node, f"pointers to or arrays of vectors (`{name}`) are not supported")
        _declare_vector(ctx, decl, dtype, out, node)
        return
    if decl.sizes:
        _declare_array(ctx, decl, dtype, out, node)
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
            raise Reject(init, f"the initialiser `{_short(init)}` is not supported")
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


def _declare_vector(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node) -> None:
    name, rank, span = decl.name, decl.base.vector_rank, span_of(node)
    ctx.declare(name, ViewSym(name, dtype, rank))
    empty_list = decl.init is not None and decl.init.type == "initializer_list" and not decl.init.named_child_count
    if (decl.ctor is None or not decl.ctor) and (decl.init is None or empty_list):
        placeholder = Alloc(name, (), dtype, None, span)
        out.append(placeholder)
        ctx.pushes[name] = PushBack(name, dtype, len(ctx.loops), ctx.cond_depth, placeholder)
        ctx.add_local(Param(name, "array", dtype, rank))
        return
    if decl.ctor is None:
        raise Reject(node, f"initialising the vector `{name}` from `{_short(decl.init)}` is not supported")
    shape, init = _vector_ctor(ctx, decl.ctor, dtype, rank, node)
    out.append(Alloc(name, shape, dtype, init, span))
    ctx.add_local(Param(name, "array", dtype, rank, shape))


def _vector_ctor(
    ctx: Ctx, args: tuple[Node, ...], dtype: DType, rank: int, node: Node
) -> tuple[tuple[Expr, ...], Expr]:
    """`(n)`, `(n, v)`, `(n, vector<T>(m))`, `(n, vector<T>(m, v))` -> shape and fill value."""
    if not args or len(args) > 2:
        raise Reject(node, "this vector constructor is not supported")
    size = _ctor_value(ctx, args[0])
    if rank == 1:
        fill = convert(_ctor_value(ctx, args[1]), dtype) if len(args) == 2 else _zero(dtype)
        return (size,), fill
    if len(args) != 2:
        raise Reject(node, "a nested vector needs its row, as in `vector<vector<T>> m(n, vector<T>(k))`")
    inner = _inner_ctor_args(args[1])
    if inner is None:
        raise Reject(args[1], f"the row `{_short(args[1])}` is not a `vector<T>(k)` constructor")
    shape, fill = _vector_ctor(ctx, inner, dtype, rank - 1, node)
    return (size, *shape), fill


def _ctor_value(ctx: Ctx, node: Node) -> Expr:
    if node.type == "parameter_declaration":
        # The vexing parse reads `out(n)` / `out(rows * cols)` as parameter declarations; read them again as
        # the expressions they are.
        reparsed = reparse_expression(ctx.language, node.text or b"")
        if reparsed is None:
            raise Reject(node, f"the constructor argument `{_short(node)}` is not supported")
        try:
            return expr(ctx, reparsed)
        except Reject as reject:
            raise Reject(node, reject.reason) from reject
    return expr(ctx, node)


def _inner_ctor_args(node: Node) -> tuple[Node, ...] | None:
    if node.type == "parameter_declaration":
        declarator = node.child_by_field_name("declarator")
        if declarator is not None and declarator.type == "abstract_function_declarator":
            params = declarator.child_by_field_name("parameters")
            return tuple(params.named_children) if params is not None else None
        return None
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is not None and args is not None and "vector" in text(function):
            return tuple(args.named_children)
    return None


def _declare_array(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node) -> None:
    if decl.pointers:
        raise Reject(node, f"arrays of pointers (`{decl.name}`) are not supported")
    shape: list[Expr] = []
    for size in decl.sizes:
        if size is None:
            raise Reject(node, f"the array `{decl.name}` has no stated size")
        shape.append(expr(ctx, size))
    init: Expr | None = None
    if decl.init is not None:
        if decl.init.type != "initializer_list" or not _all_zero(decl.init):
            raise Reject(node, f"array initialisers other than `{{0}}` (`{decl.name}`) are not supported")
        init = _zero(dtype)
    out.append(Alloc(decl.name, tuple(shape), dtype, init, span_of(node)))
    ctx.declare(decl.name, ViewSym(decl.name, dtype, len(shape)))
    ctx.add_local(Param(decl.name, "array", dtype, len(shape), tuple(shape)))


def _all_zero(node: Node) -> bool:
    for child in node.named_children:
        if child.type == "initializer_list":
            if not _all_zero(child):
                return False
        elif child.type != "number_literal" or number(child).value != 0:
            return False
    return True


def _declare_pointer(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node) -> None:
    name = decl.name
    if decl.init is None or _is_null(decl.init):
        reason = f"the pointer `{name}` is used before it is assigned"
        ctx.declare(name, ViewSym(name, dtype, decl.pointers, pointer=True, poison=reason))
        return
    allocation = _allocation(ctx, decl.init, dtype)
    if allocation is not None:
        if decl.pointers != 1:
            raise Reject(node, f"allocating an array of pointers (`{name}`) is not supported")
        shape, init = allocation
        out.append(Alloc(name, shape, dtype, init, span_of(node)))
        ctx.declare(name, ViewSym(name, dtype, 1, pointer=True))
        ctx.add_local(Param(name, "array", dtype, 1, shape))
        return
    view = view_of(ctx, decl.init)
    if view.rank != decl.pointers:
        raise Reject(node, f"`{name}` points into `{_short(decl.init)}` with a different rank")
    ctx.declare(name, replace(view, pointer=True))


def _is_null(node: Node) -> bool:
    return text(node) in ("NULL", "nullptr", "0", "(void*)0", "((void*)0)")


def _allocation(ctx: Ctx, node: Node, dtype: DType) -> tuple[tuple[Expr, ...], Expr | None] | None:
    """`malloc(n * sizeof(T))`, `calloc(n, sizeof(T))`, `new T[n]`, `new T[n]()` -> (shape, init); else None."""
    while node.type in ("cast_expression", "parenthesized_expression"):
        inner = node.child_by_field_name("value") if node.type == "cast_expression" else node.named_children[0]
        if inner is None:
            return None
        node = inner
    if node.type == "call_expression":
        name = callee(node)
        args = node.child_by_field_name("arguments")
        values = list(args.named_children) if args is not None else []
        if name == "malloc" and len(values) == 1:
            return (_sizeof_count(ctx, values[0]),), None
        if name == "calloc" and len(values) == 2:
            if values[1].type != "sizeof_expression":
                raise Reject(node, "`calloc`'s element size is not `sizeof(T)`")
            return (expr(ctx, values[0]),), _zero(dtype)
        return None
    if node.type == "new_expression":
        declarator = node.child_by_field_name("declarator")
        length = declarator.child_by_field_name("length") if declarator is not None else None
        if length is None:
            raise Reject(node, f"`{_short(node)}` does not allocate an array")
        initialised = node.child_by_field_name("arguments") is not None
        return (expr(ctx, length),), _zero(dtype) if initialised else None
    return None


def _sizeof_count(ctx: Ctx, node: Node) -> Expr:
    factors = _factors(node)
    sizes = [f for f in factors if f.type == "sizeof_expression"]
    if len(sizes) != 1:
        raise Reject(node, f"the allocation size `{_short(node)}` is not `count * sizeof(T)`")
    total: Expr = const_int(1)
    for factor in factors:
        if factor is not sizes[0] and factor != sizes[0]:
            total = mul(total, expr(ctx, factor))
    return total


def _factors(node: Node) -> list[Node]:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "binary_expression" and operator(node) == "*":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            return _factors(left) + _factors(right)
    return [node]


def _zero(dtype: DType) -> Const:
    if dtype is DType.BOOL:
        return Const(False, dtype)
    return Const(0.0, dtype) if dtype.is_float else Const(0, dtype)


# --------------------------------------------------------------------------------------------------- push_back


def _push_back(ctx: Ctx, node: Node, receiver: Node, out: list[Stmt], stmt: Node) -> None:
    name = text(receiver)
    info = ctx.pushes.get(name)
    if receiver.type != "identifier" or info is None:
        raise Reject(node, f"`push_back` on `{name}`, which this function did not declare empty, is not supported")
    if ctx.cond_depth > info.cond_depth:
        raise Reject(node, "conditional push_back builds a variable-length result; not a tensor operation")
    if info.consumed:
        raise Reject(node, f"`push_back` on `{name}` after `resize` is not supported")
    if info.shape is not None:
        raise Reject(node, f"`{name}` is filled by several push_back calls; only one is supported")
    args = node.child_by_field_name("arguments")
    if args is None or args.named_child_count != 1:
        raise Reject(node, "`push_back` takes one value")
    value_node = args.named_children[0]
    counter, total = _counter(ctx, node, ctx.loops[info.loop_depth:])
    row = ctx.pushes.get(text(value_node)) if value_node.type == "identifier" else None
    if row is not None:
        if row.shape is None or row.loop_depth != len(ctx.loops) or row.dtype is not info.dtype:
            raise Reject(node, f"pushing the vector `{row.name}` is supported only for a row filled in this loop")
        row.consumed = True
        out[:] = _retarget(tuple(out), row.name, name, counter)
        info.shape = (total, *row.shape)
        return
    sym = ctx.lookup(name)
    if isinstance(sym, ViewSym) and sym.rank != 1:
        raise Reject(node, f"pushing a scalar into the nested vector `{name}` is not supported")
    value = convert(expr(ctx, value_node), info.dtype)
    info.shape = (total,)
    out.append(Assign(Store(name, (counter,), info.dtype), value, span_of(stmt)))


def _counter(ctx: Ctx, node: Node, loops: list[Loop]) -> tuple[Expr, Expr]:
    """The number of the current iteration across `loops` (outer first, row-major) and their total count."""
    counter: Expr = const_int(0)
    total: Expr = const_int(1)
    outer: set[str] = set()
    for loop in loops:
        loop_trips = trips(loop)
        if mentions(loop_trips, outer):
            raise Reject(node, "the number of push_back calls depends on an outer loop (a triangular loop); "
                               "not a rectangular tensor")
        counter = add(mul(counter, loop_trips), count(loop))
        total = mul(total, loop_trips)
        outer.add(loop.var)
    return counter, total


def _finish_push(ctx: Ctx, info: PushBack, out: list[Stmt]) -> None:
    for position, stmt in enumerate(out):
        if stmt is info.placeholder:
            if info.consumed:
                del out[position]
            else:
                shape = info.shape if info.shape is not None else (const_int(0),)
                out[position] = Alloc(info.name, shape, info.dtype, None, stmt.span)
                ctx.add_local(Param(info.name, "array", info.dtype, len(shape), shape))
            return


def _retarget(stmts: tuple[Stmt, ...], row: str, out: str, lead: Expr) -> tuple[Stmt, ...]:
    """Stores into (and reads of) the row vector become the `lead`-th row of `out`."""

    def element(x: Expr) -> Expr:
        if isinstance(x, Load) and x.array == row:
            return Load(out, (lead, *x.indices), x.dtype)
        if isinstance(x, Dim) and x.array == row:
            return Dim(out, x.axis + 1, x.dtype)
        return x

    def target(t: Store | VarRef) -> Store | VarRef:
        if isinstance(t, Store) and t.array == row:
            return Store(out, (lead, *t.indices), t.dtype)
        return t

    return map_stmts(stmts, element, target)


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
            raise Reject(node, f"the loop update `{_short(node)}` is not supported")
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
        raise Reject(declarator, f"the loop variable `{_short(declarator)}` is not supported")
    view = view_of(ctx, right)
    if view.pointer or view.rank == 0:
        raise Reject(right, f"a range-based `for` over `{_short(right)}` is not supported")
    if decl.name in assigned_names(ctx, body_node) and not decl.reference:
        raise Reject(node, f"the loop assigns to `{decl.name}`, a copy of each element; it changes nothing")
    index_name = ctx.fresh(decl.name)
    index = Var(index_name, DType.I64)
    element = ViewSym(view.base, view.dtype, view.rank - 1, view.indices((index,)))
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


def _short(node: Node | None) -> str:
    words = " ".join(text(node).split())
    return words if len(words) <= 40 else words[:37] + "..."

