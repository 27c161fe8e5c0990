"""Python statements -> Kernel statements. A statement the Kernel IR cannot express becomes
`Unsupported(reason)`, and only that statement: the rest of the function still translates."""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from ..common import BinOp, DType, Span
from ..kernel.nodes import (
    Alloc,
    Assign,
    Bin,
    Const,
    Dim,
    Expr,
    For,
    If,
    Load,
    Return,
    Stmt,
    Store,
    Unsupported,
    Var,
    VarRef,
)
from . import py_append, py_arith
from .py_alloc import CopySpec, allocation, copy_of
from .py_context import Binding, CondFrame, Ctx, LocalArray, LoopFrame, Unsup, View, quote
from .py_expr import array_view, binary, expr, index, name_value, qualified
from .py_syntax import is_docstring, is_empty_block, line, literal, named_children, span, text
from .py_types import hint

_AUGMENTED = {"+=": "+", "-=": "-", "*=": "*", "/=": "/", "//=": "//", "%=": "%", "**=": "**"}
_REFUSED = {
    "while_statement": "`while` loops are not supported; rewrite as a `for` loop",
    "break_statement": "`break` is not supported (the trip count must not depend on the data)",
    "continue_statement": "`continue` is not supported; put the rest of the body under an `if`",
    "try_statement": "`try` is not supported",
    "with_statement": "`with` is not supported",
    "raise_statement": "`raise` is not supported",
    "global_statement": "`global` is not supported",
    "nonlocal_statement": "`nonlocal` is not supported",
    "delete_statement": "`del` is not supported",
    "match_statement": "`match` is not supported",
    "exec_statement": "`exec` is not supported",
    "print_statement": "`print` is not supported",
}
_IGNORED = ("pass_statement", "import_statement", "import_from_statement", "future_import_statement",
            "assert_statement", "function_definition", "class_definition", "decorated_definition", "comment")


def block(ctx: Ctx, node: Node | None) -> tuple[Stmt, ...]:
    if node is None:
        return ()
    if is_empty_block(node):
        return (Unsupported(f"line {line(node)}: syntax error: expected an indented block", span(node)),)
    out: list[Stmt] = []
    for child in node.named_children:
        out.extend(statement(ctx, child))
    return tuple(out)


def statement(ctx: Ctx, node: Node) -> list[Stmt]:
    """One statement; asserts (preconditions that hold when the code runs) and nested definitions (which do
    nothing until called, and calls to them are refused) translate to nothing."""
    if node.type in _IGNORED or is_docstring(node):
        return []
    if node.is_error or node.is_missing or (node.has_error and not _compound(node)):
        return [Unsupported(f"line {line(node)}: syntax error in {quote(node)}", span(node))]
    try:
        return _statement(ctx, node)
    except Unsup as refused:
        return [Unsupported(refused.reason, span(node))]
    except RecursionError:
        return [Unsupported(f"line {line(node)}: statement nested too deeply to analyse", span(node))]


def _compound(node: Node) -> bool:
    """A compound statement whose header parsed: its body's statements report their own errors."""
    if node.type not in ("for_statement", "if_statement", "elif_clause", "else_clause"):
        return False
    return not any(c.has_error for c in node.children if c.type not in ("block", "elif_clause", "else_clause"))


def _statement(ctx: Ctx, node: Node) -> list[Stmt]:
    if node.type in _REFUSED:
        raise Unsup(node, _REFUSED[node.type])
    match node.type:
        case "expression_statement":
            return _expression_statement(ctx, node)
        case "for_statement":
            return [_for(ctx, node)]
        case "if_statement":
            return _if(ctx, node)
        case "return_statement":
            return _return(ctx, node)
        case _:
            raise Unsup(node, f"`{node.type.removesuffix('_statement').replace('_', ' ')}` statements are not "
                              "supported")


def _expression_statement(ctx: Ctx, node: Node) -> list[Stmt]:
    inner = named_children(node)
    if len(inner) != 1:
        raise Unsup(node, f"unsupported statement {quote(node)}")
    (item,) = inner
    if item.type == "assignment":
        return _assignment(ctx, item, span(node))
    if item.type == "augmented_assignment":
        return _augmented(ctx, item, span(node))
    if item.type == "call":
        fn = item.child_by_field_name("function")
        if fn is not None and fn.type == "attribute" and text(fn).endswith(".append"):
            obj = fn.child_by_field_name("object")
            arguments = item.child_by_field_name("arguments")
            args = named_children(arguments) if arguments is not None else []
            if obj is not None and obj.type == "identifier" and len(args) == 1:
                return py_append.append(ctx, item, text(obj), args[0], span(node))
        expr(ctx, item)  # refuses unknown calls by name
        raise Unsup(item, f"the call {quote(item)} does nothing as a statement")
    expr(ctx, item)  # a pure expression statement does nothing, but must still be one we understand
    return []


# --------------------------------------------------------------------------------------------------- assignment


def _assignment(ctx: Ctx, node: Node, where: Span) -> list[Stmt]:
    targets: list[Node] = []
    current: Node | None = node
    annotation: Node | None = None
    while current is not None and current.type == "assignment":
        left = current.child_by_field_name("left")
        annotation = annotation or current.child_by_field_name("type")
        if left is not None:
            targets.append(left)
        current = current.child_by_field_name("right")
    if current is None:  # `x: int` declares, assigns nothing
        if annotation is not None and targets and targets[0].type == "identifier":
            declared = hint(annotation)
            if declared is not None and not declared.array:
                ctx.cur.note_dtype(text(targets[0]), declared.dtype)
        return []
    if annotation is not None and targets[0].type == "identifier":
        declared = hint(annotation)
        if declared is not None and not declared.array:
            ctx.cur.note_dtype(text(targets[0]), declared.dtype)
    out: list[Stmt] = []
    for target in targets:
        out.extend(_assign_node(ctx, target, current, where))
    return out


def _assign_node(ctx: Ctx, target: Node, value: Node, where: Span) -> list[Stmt]:
    match target.type:
        case "identifier":
            return _assign_name(ctx, target, value, where)
        case "subscript":
            return [_store(ctx, target, expr(ctx, value), where)]
        case "pattern_list" | "tuple_pattern" | "list_pattern":
            return _assign_tuple(ctx, target, value, where)
        case "attribute":
            raise Unsup(target, f"assigning to the attribute {quote(target)} is not supported")
        case _:
            raise Unsup(target, f"assigning to {quote(target)} is not supported")


def _assign_name(ctx: Ctx, target: Node, value: Node, where: Span) -> list[Stmt]:
    name = text(target)
    if name in ctx.loop_vars and any(isinstance(f, LoopFrame) and f.var == name for f in ctx.frames):
        raise Unsup(target, f"the loop variable `{name}` is assigned inside its loop")
    if value.type == "list" and not named_children(value):
        _forget(ctx, name)
        return [py_append.start_builder(ctx, name, where)]
    copied = copy_of(ctx, value, name)
    if copied is not None:
        return _copy(ctx, name, copied, where)
    if value.type == "subscript" and _is_copy(ctx, value):
        raise Unsup(value, f"{quote(value)} copies a list but is a view of a NumPy array (writes would change both); "
                           "write `.copy()` or `list(...)` to copy, or index the original")
    if _is_copy(ctx, value):
        raise Unsup(value, f"copying an array ({quote(value)}) is not supported; allocate the result with "
                           "`np.empty_like` / `[0.0] * n` and fill it in a loop")
    spec = allocation(ctx, value)
    if spec is not None:
        _forget(ctx, name)
        ctx.arrays[name] = LocalArray(spec.dtype, len(spec.shape), spec.fixed, spec.shape)
        if not spec.fixed:
            ctx.cur.note_dtype(name, spec.dtype)
        dtype = ctx.element_dtype(name)
        init = py_arith.coerce(spec.init, dtype) if spec.init is not None else None
        return [Alloc(name, spec.shape, dtype, init, where)]
    view = _view_binding(ctx, name, value)
    if view is not None:
        _forget(ctx, name)
        ctx.env[name] = view
        return []
    return [_assign_scalar(ctx, target, expr(ctx, value), where)]


def _copy(ctx: Ctx, name: str, copied: CopySpec, where: Span) -> list[Stmt]:
    """`v = u.copy()` as what it is: a new array of `u`'s shape, and loops copying every element."""
    _forget(ctx, name)
    source, rank = copied.source, len(copied.shape)
    ctx.arrays[name] = LocalArray(ctx.element_dtype(source.array), rank, copied.fixed, copied.shape)
    if not copied.fixed:
        ctx.cur.note_dtype(name, ctx.element_dtype(source.array))
    dtype = ctx.element_dtype(name)
    names = [ctx.fresh("c") for _ in range(rank)]
    indices = tuple(Var(v, DType.I64) for v in names)
    read = Load(source.array, (*source.prefix, *indices), ctx.element_dtype(source.array))
    body: Stmt = Assign(Store(name, indices, dtype), py_arith.coerce(read, dtype), where)
    for var, extent in reversed(list(zip(names, copied.shape, strict=True))):
        ctx.loop_vars.add(var)
        ctx.dead.add(var)
        body = For(var, Const(0, DType.I64), extent, 1, (body,), where)
    return [Alloc(name, copied.shape, dtype, None, where), body]


def _view_binding(ctx: Ctx, name: str, value: Node) -> View | None:
    """`row = A[i]` (a row of a higher-rank array) and `b = a` (an alias) bind names to arrays."""
    if value.type not in ("identifier", "subscript"):
        return None
    if value.type == "subscript":
        base = value.child_by_field_name("value")
        if base is not None and base.type == "attribute":
            return None  # A.shape[0]
    if value.type == "identifier":
        source = text(value)
        bound = ctx.env.get(source)
        aliased = isinstance(bound, View) or source in ctx.arrays or (
            ctx.is_param(source) and ctx.param_is_array(source))
        if not aliased:
            return None
    view = array_view(ctx, value)
    stable = {f.var for f in ctx.loops(ctx.frames)}
    used_as = ctx.known_rank(name)
    if any(not ctx.is_param(v) and v not in stable for p in view.prefix for v in py_arith.free_vars(p)):
        # `row = A[k]` with a `k` that may change later: substituting `A[k]` for `row` would be wrong
        if used_as is not None:
            raise Unsup(value, f"`{name} = {text(value)}` names a row through an index that may change later")
        return None
    rank = ctx.rank(view.array)
    if (rank is not None and rank > len(view.prefix)) or used_as is not None:
        if used_as is not None:
            ctx.cur.note_rank(view.array, len(view.prefix) + used_as)
        return view
    return None


def _is_copy(ctx: Ctx, value: Node) -> bool:
    if value.type == "subscript":
        return any(s.type == "slice" for s in value.children_by_field_name("subscript"))
    if value.type != "call":
        return False
    fn = value.child_by_field_name("function")
    if fn is None:
        return False
    name = qualified(ctx, fn)
    if name in ("builtins.list", "numpy.copy", "numpy.array", "numpy.asarray", "copy.copy", "copy.deepcopy"):
        return True
    return fn.type == "attribute" and text(fn).rsplit(".", 1)[-1] in ("copy", "tolist") and name is None


def _forget(ctx: Ctx, name: str) -> None:
    """`name` gets a new value: bindings through it (and it) no longer hold."""
    ctx.env.pop(name, None)
    ctx.dead.discard(name)
    ctx.builders.pop(name, None)
    stale = [k for k, v in ctx.env.items() if name in _binding_names(v)]
    for key in stale:
        del ctx.env[key]


def _binding_names(binding: Binding) -> frozenset[str]:
    if isinstance(binding, View):
        return frozenset((binding.array,)).union(*(py_arith.free_vars(i) for i in binding.prefix))
    return py_arith.free_vars(binding)


def _assign_scalar(ctx: Ctx, target: Node, value: Expr, where: Span) -> Assign:
    name = text(target)
    if name in ctx.arrays or (ctx.is_param(name) and ctx.param_is_array(name)):
        raise Unsup(target, f"`{name}` is an array; assigning it a scalar is not supported")
    _forget(ctx, name)
    ctx.arrays.pop(name, None)
    ctx.cur.note_dtype(name, value.dtype)
    dtype = ctx.scalar_dtype(name)
    return Assign(VarRef(name, dtype), py_arith.coerce(value, dtype), where)


def _store(ctx: Ctx, target: Node, value: Expr, where: Span) -> Assign:
    view = array_view(ctx, target)
    if ctx.building(view.array):
        raise Unsup(target, f"writing into `{view.array}` while it is being built by `append` is not supported")
    ctx.cur.note_rank(view.array, len(view.prefix))
    rank = ctx.rank(view.array)
    if rank is not None and rank > len(view.prefix):
        raise Unsup(target, f"assigning a whole row ({quote(target)}) is not supported")
    local = ctx.arrays.get(view.array)
    if local is not None and not local.fixed:
        ctx.cur.note_dtype(view.array, value.dtype)
    dtype = ctx.element_dtype(view.array)
    stale = [k for k, v in ctx.env.items() if isinstance(v, Load) and v.array == view.array]
    for key in stale:  # a loop element `x` of `a` no longer equals `a[i]` once `a` is written
        del ctx.env[key]
    return Assign(Store(view.array, view.prefix, dtype), py_arith.coerce(value, dtype), where)


def _assign_value(ctx: Ctx, target: Node, value: Expr, where: Span) -> Assign:
    if target.type == "identifier":
        return _assign_scalar(ctx, target, value, where)
    if target.type == "subscript":
        return _store(ctx, target, value, where)
    raise Unsup(target, f"assigning to {quote(target)} is not supported")


def _assign_tuple(ctx: Ctx, target: Node, value: Node, where: Span) -> list[Stmt]:
    """`n, m = A.shape`, `a, b = x, y`; simultaneous when a value reads an earlier target (`a, b = b, a`)."""
    targets = named_children(target)
    if value.type == "attribute" and text(value).endswith(".shape"):
        obj = value.child_by_field_name("object")
        assert obj is not None
        view = array_view(ctx, obj)
        ctx.cur.note_rank(view.array, len(view.prefix) + len(targets))
        values: list[Expr] = [Dim(view.array, len(view.prefix) + k) for k in range(len(targets))]
    elif value.type in ("expression_list", "tuple", "list") and len(named_children(value)) == len(targets):
        values = [expr(ctx, item) for item in named_children(value)]
    else:
        raise Unsup(value, f"unpacking {quote(value)} is not supported")
    written = {text(t) for t in targets if t.type == "identifier"}
    written |= {text(t.child_by_field_name("value") or t) for t in targets if t.type == "subscript"}
    reads = frozenset().union(*(py_arith.free_vars(v) for v in values))
    out: list[Stmt] = []
    if reads & written and len(targets) > 1:
        temps = []
        for k, v in enumerate(values):
            temp = ctx.fresh(f"_t{k}")
            ctx.assigned = ctx.assigned | {temp}
            ctx.cur.note_dtype(temp, v.dtype)
            out.append(Assign(VarRef(temp, v.dtype), v, where))
            temps.append(Var(temp, v.dtype))
        values = list(temps)
    for t, v in zip(targets, values, strict=True):
        out.append(_assign_value(ctx, t, v, where))
    return out


def _augmented(ctx: Ctx, node: Node, where: Span) -> list[Stmt]:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    assert left is not None and right is not None and operator is not None
    op = _AUGMENTED.get(operator.type)
    if op is None:
        raise Unsup(node, f"the operator `{operator.type}` is not supported")
    if left.type == "identifier":
        current = name_value(ctx, left)
        return [_assign_scalar(ctx, left, binary(op, current, expr(ctx, right), node), where)]
    if left.type == "subscript":
        current = expr(ctx, left)
        return [_store(ctx, left, binary(op, current, expr(ctx, right), node), where)]
    raise Unsup(left, f"assigning to {quote(left)} is not supported")


# ---------------------------------------------------------------------------------------------- control flow


def _return(ctx: Ctx, node: Node) -> list[Stmt]:
    """`return v` as a `Return`; `return a, b` as one `Return` per value, in order. Only what a return reads matters
    to a unit before it (its results are read); a return inside a loop nest is refused by the interpreter."""
    values = named_children(node)
    if not values:
        return [Return(None, span(node))]
    (value,) = values
    if value.type in ("expression_list", "tuple"):
        return [Return(_returned(ctx, item), span(node)) for item in named_children(value)]
    return [Return(_returned(ctx, value), span(node))]


def _returned(ctx: Ctx, value: Node) -> Expr:
    if value.type == "identifier":
        name = text(value)
        if name in ctx.arrays or (ctx.is_param(name) and ctx.param_is_array(name) and name not in ctx.env):
            return Var(name, ctx.element_dtype(name))  # an array result, by name
    return expr(ctx, value)


def _if(ctx: Ctx, node: Node) -> list[Stmt]:
    cond_node = node.child_by_field_name("condition")
    assert cond_node is not None
    if ctx.is_module and _is_main_guard(cond_node):
        return list(block(ctx, node.child_by_field_name("consequence")))
    cond = expr(ctx, cond_node)
    alternatives = node.children_by_field_name("alternative")
    has_else = any(c.type == "else_clause" for c in alternatives)
    ctx.frames.append(CondFrame(line(node), node.start_byte, 0, has_else))
    try:
        then = block(ctx, node.child_by_field_name("consequence"))
        else_: tuple[Stmt, ...] = ()
        for branch, clause in reversed(list(enumerate(alternatives, start=1))):
            ctx.frames[-1] = CondFrame(line(node), node.start_byte, branch, has_else)
            if clause.type == "else_clause":
                else_ = block(ctx, clause.child_by_field_name("body"))
            else:
                clause_cond = clause.child_by_field_name("condition")
                assert clause_cond is not None
                try:
                    inner_cond = expr(ctx, clause_cond)
                except Unsup as refused:
                    else_ = (Unsupported(refused.reason, span(clause)),)
                    continue
                inner = block(ctx, clause.child_by_field_name("consequence"))
                else_ = (If(inner_cond, inner, else_, span(clause)),)
    finally:
        ctx.frames.pop()
    py_append.check_branches(ctx, node, node.start_byte, 1 + len(alternatives))
    return [If(cond, then, else_, span(node))]


def _is_main_guard(cond: Node) -> bool:
    return " ".join(text(cond).replace("'", '"').split()) == '__name__ == "__main__"'


def _for(ctx: Ctx, node: Node) -> For:
    if node.child_by_field_name("alternative") is not None:
        raise Unsup(node, "`for ... else` is not supported")
    target, source, body = (node.child_by_field_name(f) for f in ("left", "right", "body"))
    if target is None or source is None:
        raise Unsup(node, f"unsupported loop {quote(node)}")
    scalars, arrays = _writes(ctx, body)
    var, start, stop, step, bindings = _iteration(ctx, target, source)
    if var in scalars:
        raise Unsup(node, f"the loop variable `{var}` is assigned inside the loop")
    where = span(node)
    prologue: list[Stmt] = []
    ctx.loop_vars.add(var)
    _forget(ctx, var)
    for name, bound in bindings:
        _forget(ctx, name)
        if isinstance(bound, Load) and (name in scalars or bound.array in arrays):
            # the body changes `x` or the array it came from: read the element into a local first
            ctx.cur.note_dtype(name, bound.dtype)
            prologue.append(Assign(VarRef(name, ctx.scalar_dtype(name)), py_arith.coerce(
                bound, ctx.scalar_dtype(name)), where))
        else:
            ctx.env[name] = bound
    ctx.frames.append(LoopFrame(var, start, stop, step))
    try:
        stmts = block(ctx, body)
    finally:
        ctx.frames.pop()
    for builder in ctx.builders.values():
        if builder.append is not None and builder.depth >= len(ctx.frames):
            builder.closed = True  # its loops are over: from here on it is an ordinary array of known shape
    for name, bound in bindings:
        if ctx.env.get(name) is bound:
            del ctx.env[name]
            ctx.dead.add(name)
    if var not in {n for n, _ in bindings}:
        ctx.dead.add(var)
    for name, bound in list(ctx.env.items()):  # `row = A[i]` made in the loop means nothing after it
        if var in _binding_names(bound):
            del ctx.env[name]
            ctx.dead.add(name)
    return For(var, start, stop, step, (*prologue, *stmts), where)


_STATEMENT_NODES = ("block", "for_statement", "if_statement", "elif_clause", "else_clause", "while_statement",
                    "with_statement", "try_statement", "expression_statement", "assignment",
                    "augmented_assignment")


def _writes(ctx: Ctx, body: Node | None) -> tuple[frozenset[str], frozenset[str]]:
    """Names a loop body assigns as scalars, and arrays it stores into (by the subscript's base name). Pure
    syntax, so cached across the translation passes."""
    if body is None:
        return frozenset(), frozenset()
    key = (body.start_byte, body.end_byte)
    cached = ctx.syntax_cache.get(key)
    if cached is not None:
        return cached
    scalars: set[str] = set()
    arrays: set[str] = set()
    stack = [body]
    while stack:
        node = stack.pop()
        if node.type in ("assignment", "augmented_assignment", "for_statement"):
            left = node.child_by_field_name("left")
            targets = [left] if left is not None else []
            while targets:
                t = targets.pop()
                if t.type == "identifier":
                    scalars.add(text(t))
                elif t.type == "subscript":
                    base: Node | None = t
                    while base is not None and base.type == "subscript":
                        base = base.child_by_field_name("value")
                    if base is not None:
                        arrays.add(text(base))
                elif t.type in ("pattern_list", "tuple_pattern", "list_pattern"):
                    targets.extend(t.named_children)
        stack.extend(c for c in node.named_children if c.type in _STATEMENT_NODES)
    result = frozenset(scalars), frozenset(arrays)
    ctx.syntax_cache[key] = result
    return result


Iteration = tuple[str, Expr, Expr, int, list[tuple[str, Binding]]]


def _iteration(ctx: Ctx, target: Node, source: Node) -> Iteration:
    """The loop's variable, range and the names bound per iteration (`x` -> `a[i]` for `for x in a`)."""
    fn_name = None
    args: list[Node] = []
    if source.type == "call":
        fn = source.child_by_field_name("function")
        fn_name = qualified(ctx, fn) if fn is not None else None
        arguments = source.child_by_field_name("arguments")
        args = named_children(arguments) if arguments is not None else []
    if fn_name in ("builtins.range", "builtins.reversed"):
        if target.type != "identifier":
            raise Unsup(target, f"unpacking {quote(target)} from a range is not supported")
        start, stop, step = _range(ctx, source)
        return text(target), start, stop, step, []
    if fn_name == "builtins.enumerate" and target.type in ("pattern_list", "tuple_pattern"):
        parts = named_children(target)
        if len(args) == 1 and len(parts) == 2 and parts[0].type == "identifier":
            var = text(parts[0])
            length, make = _sequence(ctx, args[0])
            return var, py_arith.const(0), length, 1, _destructure(parts[1], make(Var(var, DType.I64)))
    length, make = _sequence(ctx, source)
    base = text(target) if target.type == "identifier" else "k"
    var = ctx.fresh(base.lstrip("_") or "k")
    return var, py_arith.const(0), length, 1, _destructure(target, make(Var(var, DType.I64)))


# What one iteration binds: a binding, or a tuple of them for `zip` / `enumerate` (nested as the targets are).
Tree = Binding | tuple[object, ...]
Maker = Callable[[Expr], Tree]


def _sequence(ctx: Ctx, node: Node) -> tuple[Expr, Maker]:
    """An iterable that is not a range: its length and a function from index to the element tree."""
    if node.type == "call":
        fn = node.child_by_field_name("function")
        name = qualified(ctx, fn) if fn is not None else None
        arguments = node.child_by_field_name("arguments")
        args = named_children(arguments) if arguments is not None else []
        if name == "builtins.zip" and args and all(a.type != "keyword_argument" for a in args):
            parts = [_sequence(ctx, a) for a in args]
            length = parts[0][0]
            for other, _ in parts[1:]:  # zip stops at the shortest sequence
                length = Bin(BinOp.MIN, length, other, DType.I64)
            return length, lambda i: tuple(make(i) for _, make in parts)
        if name == "builtins.enumerate" and len(args) == 1:
            length, make = _sequence(ctx, args[0])
            return length, lambda i: (i, make(i))
        raise Unsup(node, f"iterating over {quote(node)} is not supported (use `range`, an array, `enumerate` "
                          "or `zip`)")
    if node.type not in ("identifier", "subscript", "parenthesized_expression"):
        raise Unsup(node, f"iterating over {quote(node)} is not supported")
    view = array_view(ctx, node)
    axis = len(view.prefix)
    ctx.cur.note_rank(view.array, axis + 1)

    def element(i: Expr) -> Binding:
        indices = (*view.prefix, i)
        rank = ctx.rank(view.array)
        if rank is not None and rank > len(indices):
            return View(view.array, indices)
        return Load(view.array, indices, ctx.element_dtype(view.array))

    return Dim(view.array, axis), element


def _destructure(target: Node, tree: object) -> list[tuple[str, Binding]]:
    if target.type == "identifier":
        if not isinstance(tree, View | Const | Var | Load):
            raise Unsup(target, f"binding a tuple to {quote(target)} is not supported; unpack it")
        return [(text(target), tree)]
    if target.type in ("pattern_list", "tuple_pattern", "list_pattern") and isinstance(tree, tuple):
        parts = named_children(target)
        if len(parts) == len(tree):
            return [b for part, sub in zip(parts, tree, strict=True) for b in _destructure(part, sub)]
    raise Unsup(target, f"the loop target {quote(target)} does not match what is iterated")


def _range(ctx: Ctx, node: Node) -> tuple[Expr, Expr, int]:
    """`range(n)`, `range(a, b)`, `range(a, b, s)` with a constant non-zero `s`; `reversed(range(a, b))`."""
    fn = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    args = named_children(arguments) if arguments is not None else []
    if fn is not None and qualified(ctx, fn) == "builtins.reversed":
        inner_fn = args[0].child_by_field_name("function") if len(args) == 1 and args[0].type == "call" else None
        if inner_fn is None or qualified(ctx, inner_fn) != "builtins.range":
            raise Unsup(node, f"iterating over {quote(node)} is not supported (only `reversed(range(...))`)")
        start, stop, step = _range(ctx, args[0])
        if abs(step) != 1:
            raise Unsup(node, f"{quote(node)}: only ranges of step 1 or -1 can be reversed")
        return py_arith.sub(stop, py_arith.const(step)), py_arith.sub(start, py_arith.const(step)), -step
    if any(a.type in ("keyword_argument", "list_splat") for a in args) or not 1 <= len(args) <= 3:
        raise Unsup(node, f"unsupported range {quote(node)}")
    bounds = [index(ctx, a) for a in args[:2]]
    if len(args) == 1:
        return py_arith.const(0), bounds[0], 1
    step = 1
    if len(args) == 3:
        value = literal(args[2])
        if value is None and args[2].type == "identifier":
            value = ctx.module.constants.get(text(args[2]))
        if value is None or value.dtype is not DType.I64 or value.value == 0:
            raise Unsup(args[2], f"the range step {quote(args[2])} must be a non-zero integer constant")
        step = int(value.value)
    return bounds[0], bounds[1], step
