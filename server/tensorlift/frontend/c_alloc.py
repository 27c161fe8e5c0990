"""Allocations and the containers legacy kernels fill: `malloc`/`calloc`/`new T[n]`, local arrays, `std::vector`
constructors, `push_back` (an indexed store at the iteration counter of the loops between the declaration and the
call; a vector of pushed rows becomes a 2-D array), `resize`/`assign`, and `memset`/`memcpy` as the loops they
are.

A vector declared empty gets a placeholder `Alloc` when declared; `finish_push` replaces it when its block ends,
with the shape the one `push_back` site implies (or removes it when its rows were moved into an outer vector).
"""

from __future__ import annotations

from tree_sitter import Node

from ..common import DType
from ..kernel.nodes import Alloc, Assign, Const, Dim, Expr, For, Load, Param, Stmt, Store, Var, VarRef
from ..kernel.visit import map_stmts
from .c_arith import add, const_int, convert, int_value, mul
from .c_context import Ctx, Loop, PushBack, Reject, ViewSym, span_of
from .c_exprs import callee, expr, view_of
from .c_loops import count, mentions, trips
from .c_query import reparse_expression
from .c_types import Decl, brief, operator, text


def resize(ctx: Ctx, node: Node, receiver: Node, out: list[Stmt], stmt: Node) -> None:
    """`v.resize(n)` / `v.assign(n, x)` on a vector declared empty: the allocation happens here."""
    name = text(receiver)
    info = ctx.pushes.get(name)
    args = node.child_by_field_name("arguments")
    values = list(args.named_children) if args is not None else []
    if info is None or info.shape is not None or info.consumed or not 1 <= len(values) <= 2:
        raise Reject(node, f"`{brief(node)}` is supported only once, on a vector declared empty")
    if ctx.cond_depth > info.cond_depth or len(ctx.loops) > info.loop_depth:
        raise Reject(node, f"`{brief(node)}` inside a loop or an `if` is not supported")
    sym = ctx.lookup(name)
    if not isinstance(sym, ViewSym) or sym.rank != 1:
        raise Reject(node, f"`{brief(node)}` on a nested vector is not supported")
    fill = convert(expr(ctx, values[1]), info.dtype) if len(values) == 2 else zero(info.dtype)
    info.consumed = True  # the placeholder goes; this Alloc replaces it
    shape = (expr(ctx, values[0]),)
    out.append(Alloc(name, shape, info.dtype, fill, span_of(stmt)))
    ctx.add_local(Param(name, "array", info.dtype, 1, shape))


def mem_loop(ctx: Ctx, node: Node, name: str, out: list[Stmt], stmt: Node) -> None:
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
    count_expr = sizeof_count(ctx, values[2])
    index_name = ctx.fresh("k")
    index = Var(index_name, DType.I64)
    ctx.add_local(Param(index_name, "scalar", DType.I64))
    element = (index,)
    copied = zero(target.dtype) if source is None else convert(
        Load(source.base, source.indices(element), source.dtype), target.dtype)
    write = Assign(Store(target.base, target.indices(element), target.dtype), copied, span_of(stmt))
    out.append(For(index_name, Const(0, DType.I64), count_expr, 1, (write,), span_of(stmt)))


def declare_vector(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node) -> None:
    name, rank, span = decl.name, decl.base.vector_rank, span_of(node)
    ctx.declare(name, ViewSym(name, dtype, rank, container=True))
    empty_list = decl.init is not None and decl.init.type == "initializer_list" and not decl.init.named_child_count
    if (decl.ctor is None or not decl.ctor) and (decl.init is None or empty_list):
        placeholder = Alloc(name, (), dtype, None, span)
        out.append(placeholder)
        ctx.pushes[name] = PushBack(name, dtype, len(ctx.loops), ctx.cond_depth, placeholder)
        ctx.add_local(Param(name, "array", dtype, rank))
        return
    if decl.ctor is None:
        raise Reject(node, f"initialising the vector `{name}` from `{brief(decl.init)}` is not supported")
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
        fill = convert(_ctor_value(ctx, args[1]), dtype) if len(args) == 2 else zero(dtype)
        return (size,), fill
    if len(args) != 2:
        raise Reject(node, "a nested vector needs its row, as in `vector<vector<T>> m(n, vector<T>(k))`")
    inner = _inner_ctor_args(args[1])
    if inner is None:
        raise Reject(args[1], f"the row `{brief(args[1])}` is not a `vector<T>(k)` constructor")
    shape, fill = _vector_ctor(ctx, inner, dtype, rank - 1, node)
    return (size, *shape), fill


def _ctor_value(ctx: Ctx, node: Node) -> Expr:
    if node.type == "parameter_declaration":
        # The vexing parse reads `out(n)` / `out(rows * cols)` as parameter declarations; read them again as
        # the expressions they are.
        reparsed = reparse_expression(ctx.language, node.text or b"")
        if reparsed is None:
            raise Reject(node, f"the constructor argument `{brief(node)}` is not supported")
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


def declare_array(ctx: Ctx, decl: Decl, dtype: DType, out: list[Stmt], node: Node, constant: bool) -> None:
    """`T a[N][M];`, `T a[N] = {0};`, `static const float w[] = {0.25f, 0.5f, 0.25f};`: an Alloc, then one
    assignment per listed element (C zero-fills the elements a list leaves out). A `const` table of constants
    also reads as its values where the index is constant (`w[1]` is 0.5f), so stencil weights are visible."""
    if decl.pointers:
        raise Reject(node, f"arrays of pointers (`{decl.name}`) are not supported")
    listed = decl.init if decl.init is not None and decl.init.type == "initializer_list" else None
    if decl.init is not None and listed is None:
        raise Reject(node, f"the array `{decl.name}` is initialised from `{brief(decl.init)}`, not a `{{...}}` list")
    shape: list[Expr] = []
    for position, size in enumerate(decl.sizes):
        if size is not None:
            shape.append(expr(ctx, size))
        elif position == 0 and listed is not None:  # `T w[] = {...}`: as many as listed
            shape.append(const_int(len(_items(listed))))
        else:
            raise Reject(node, f"the array `{decl.name}` has no stated size")
    elements = _elements(ctx, decl.name, listed, tuple(shape), (), node) if listed is not None else []
    values = [(index, convert(expr(ctx, item), dtype)) for index, item in elements]
    extents = [int_value(e) for e in shape]
    complete = False
    if all(extent is not None for extent in extents):
        total = 1
        for extent in extents:
            total *= extent or 0
        complete = len(values) == total
    init: Expr | None = None if listed is None or complete else zero(dtype)
    out.append(Alloc(decl.name, tuple(shape), dtype, init, span_of(node)))
    for index, value in values:
        if init is None or value != init:
            target = Store(decl.name, tuple(const_int(i) for i in index), dtype)
            out.append(Assign(target, value, span_of(node)))
    ctx.declare(decl.name, ViewSym(decl.name, dtype, len(shape)))
    ctx.add_local(Param(decl.name, "array", dtype, len(shape), tuple(shape)))
    if constant and listed is not None and all(isinstance(value, Const) for _, value in values):
        fill = {index: value for index, value in values if isinstance(value, Const)}
        ctx.tables[decl.name] = (fill, init if isinstance(init, Const) else None)


def _items(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


def _elements(
    ctx: Ctx, name: str, node: Node, shape: tuple[Expr, ...], prefix: tuple[int, ...], where: Node
) -> list[tuple[tuple[int, ...], Node]]:
    """(index, value node) of every element an initialiser list gives, nested (`{{1, 2}, {3, 4}}`) or flat in
    row-major order (`{1, 2, 3, 4}`, which needs constant extents)."""
    items = _items(node)
    if any(item.type == "initializer_pair" for item in items):
        raise Reject(where, f"designated initialisers (`{name}`) are not supported")
    rank = len(shape) - len(prefix)
    if rank > 1 and items and all(item.type == "initializer_list" for item in items):
        found: list[tuple[tuple[int, ...], Node]] = []
        for position, item in enumerate(items):
            found += _elements(ctx, name, item, shape, (*prefix, position), where)
        return found
    if any(item.type == "initializer_list" for item in items):
        raise Reject(where, f"the initialiser of `{name}` does not match its shape")
    inner = [int_value(e) for e in shape[len(prefix) + 1:]]
    if any(extent is None for extent in inner):
        raise Reject(where, f"a flat initialiser of `{name}` needs constant extents")
    indices: list[tuple[tuple[int, ...], Node]] = []
    for position, item in enumerate(items):
        index: list[int] = []
        for extent in reversed(inner):
            assert extent is not None
            position, rest = divmod(position, extent)
            index.insert(0, rest)
        indices.append(((*prefix, position, *index), item))
    return indices


def is_null(node: Node) -> bool:
    return text(node) in ("NULL", "nullptr", "0", "(void*)0", "((void*)0)")


def allocation(ctx: Ctx, node: Node, dtype: DType) -> tuple[tuple[Expr, ...], Expr | None] | None:
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
            return (sizeof_count(ctx, values[0]),), None
        if name == "calloc" and len(values) == 2:
            if values[1].type != "sizeof_expression":
                raise Reject(node, "`calloc`'s element size is not `sizeof(T)`")
            return (expr(ctx, values[0]),), zero(dtype)
        return None
    if node.type == "new_expression":
        declarator = node.child_by_field_name("declarator")
        length = declarator.child_by_field_name("length") if declarator is not None else None
        if length is None:
            raise Reject(node, f"`{brief(node)}` does not allocate an array")
        initialised = node.child_by_field_name("arguments") is not None
        return (expr(ctx, length),), zero(dtype) if initialised else None
    return None


def sizeof_count(ctx: Ctx, node: Node) -> Expr:
    factors = _factors(node)
    sizes = [f for f in factors if f.type == "sizeof_expression"]
    if len(sizes) != 1:
        raise Reject(node, f"the allocation size `{brief(node)}` is not `count * sizeof(T)`")
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


def zero(dtype: DType) -> Const:
    if dtype is DType.BOOL:
        return Const(False, dtype)
    return Const(0.0, dtype) if dtype.is_float else Const(0, dtype)


# --------------------------------------------------------------------------------------------------- push_back


def push_back(ctx: Ctx, node: Node, receiver: Node, out: list[Stmt], stmt: Node) -> None:
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
    if isinstance(sym, ViewSym) and sym.rank == 2 and value_node.type == "identifier":
        _push_sized_row(ctx, node, value_node, info, counter, total, out, stmt)
        return
    if isinstance(sym, ViewSym) and sym.rank != 1:
        raise Reject(node, f"pushing a scalar into the nested vector `{name}` is not supported")
    value = convert(expr(ctx, value_node), info.dtype)
    info.shape = (total,)
    out.append(Assign(Store(name, (counter,), info.dtype), value, span_of(stmt)))


def _push_sized_row(
    ctx: Ctx, node: Node, value_node: Node, info: PushBack, counter: Expr, total: Expr, out: list[Stmt], stmt: Node
) -> None:
    """`vector<int> row(m); ...; out.push_back(row);`: the row is copied into row `counter` of `out`."""
    row_name = text(value_node)
    row = ctx.lookup(row_name)
    local = ctx.locals.get(row_name)
    if not isinstance(row, ViewSym) or row.rank != 1 or row.prefix or local is None or not local.shape:
        raise Reject(node, f"pushing `{row_name}` is supported only for a vector of this function with a known size")
    size = local.shape[0]
    if size is None or row.dtype is not info.dtype or mentions(size, {loop.var for loop in ctx.loops}):
        raise Reject(node, f"pushing `{row_name}` needs rows of one size and type")
    index_name = ctx.fresh("k")
    index = Var(index_name, DType.I64)
    ctx.add_local(Param(index_name, "scalar", DType.I64))
    copy = Assign(Store(info.name, (counter, index), info.dtype), Load(row.base, (index,), row.dtype), span_of(stmt))
    out.append(For(index_name, Const(0, DType.I64), size, 1, (copy,), span_of(stmt)))
    info.shape = (total, size)


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


def finish_push(ctx: Ctx, info: PushBack, out: list[Stmt]) -> None:
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
