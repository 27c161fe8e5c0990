"""Recognise the Python spellings of a new array: `[0.0] * n`, `[[0] * m for _ in range(n)]`, `np.zeros((n, m))`,
`np.full(n, v)`, `np.zeros_like(a)`, ... Each becomes the `shape`, `dtype` and `init` of an `Alloc`."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..common import DType
from ..kernel.nodes import Const, Dim, Expr
from . import py_arith
from .py_arith import coerce
from .py_context import Ctx, Unsup, quote
from .py_expr import array_view, expr, index, qualified
from .py_syntax import named_children, text
from .py_types import dtype_name

_NUMPY_MAKERS = ("zeros", "ones", "empty", "full")


@dataclass(frozen=True, slots=True)
class AllocSpec:
    shape: tuple[Expr, ...]
    dtype: DType
    init: Expr | None
    fixed: bool  # NumPy: the dtype is fixed at creation; a list's grows with what is stored


def allocation(ctx: Ctx, node: Node) -> AllocSpec | None:
    """The allocation `node` spells, None when it is not one (then it is an ordinary expression)."""
    if node.type == "parenthesized_expression" and len(named_children(node)) == 1:
        return allocation(ctx, named_children(node)[0])
    if node.type == "binary_operator":
        return _repeat(ctx, node)
    if node.type == "list_comprehension":
        return _comprehension(ctx, node)
    if node.type == "call":
        fn = node.child_by_field_name("function")
        name = qualified(ctx, fn) if fn is not None else None
        if name is not None and name.startswith("numpy."):
            short = name.removeprefix("numpy.")
            if short in _NUMPY_MAKERS:
                return _numpy(ctx, node, short)
            if short.removesuffix("_like") in _NUMPY_MAKERS and short.endswith("_like"):
                return _numpy_like(ctx, node, short.removesuffix("_like"))
    return None


def _repeat(ctx: Ctx, node: Node) -> AllocSpec | None:
    """`[c] * n` or `n * [c]`."""
    operator = node.child_by_field_name("operator")
    lhs, rhs = node.child_by_field_name("left"), node.child_by_field_name("right")
    if operator is None or operator.type != "*" or lhs is None or rhs is None:
        return None
    if lhs.type != "list":
        lhs, rhs = rhs, lhs
    if lhs.type != "list":
        return None
    items = named_children(lhs)
    if len(items) != 1:
        raise Unsup(node, f"{quote(node)}: only a one-element list repeated (`[0.0] * n`) allocates an array")
    if items[0].type in ("list", "list_comprehension") or _is_repeat(items[0]):
        raise Unsup(node, f"{quote(node)} repeats one row object n times (every row is the same list); use "
                          "`[[0.0] * m for _ in range(n)]`")
    init = expr(ctx, items[0])
    return AllocSpec((index(ctx, rhs),), init.dtype, init, fixed=False)


def _is_repeat(node: Node) -> bool:
    return node.type == "binary_operator" and any(c.type == "list" for c in named_children(node))


def _comprehension(ctx: Ctx, node: Node) -> AllocSpec:
    """`[e for _ in range(n)]` where `e` does not use the comprehension variable."""
    body = node.child_by_field_name("body")
    clauses = [c for c in named_children(node) if c.type in ("for_in_clause", "if_clause")]
    if body is None or len(clauses) != 1 or clauses[0].type != "for_in_clause":
        raise Unsup(node, f"list comprehensions are not supported ({quote(node)}); only `[v for _ in range(n)]` "
                          "allocations are")
    clause = clauses[0]
    var, source = clause.child_by_field_name("left"), clause.child_by_field_name("right")
    if var is None or source is None or var.type != "identifier" or _mentions(body, text(var)):
        raise Unsup(node, f"list comprehensions that compute elements ({quote(node)}) are not supported; "
                          "allocate the result and write it in a `for` loop")
    fn = source.child_by_field_name("function") if source.type == "call" else None
    if fn is None or qualified(ctx, fn) != "builtins.range":
        raise Unsup(node, f"{quote(node)}: the comprehension must run over `range(...)`")
    length = _range_length(ctx, source)
    inner = allocation(ctx, body)
    if inner is not None:
        return AllocSpec((length, *inner.shape), inner.dtype, inner.init, inner.fixed)
    init = expr(ctx, body)
    return AllocSpec((length,), init.dtype, init, fixed=False)


def _range_length(ctx: Ctx, call: Node) -> Expr:
    arguments = call.child_by_field_name("arguments")
    args = named_children(arguments) if arguments is not None else []
    if len(args) == 1:
        return index(ctx, args[0])
    if len(args) == 2:
        return py_arith.trip_count(index(ctx, args[0]), index(ctx, args[1]), 1)
    raise Unsup(call, f"{quote(call)}: only `range(n)` and `range(a, b)` size an allocation")


def _mentions(node: Node, name: str) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier" and text(current) == name:
            return True
        stack.extend(current.named_children)
    return False


def _arguments(node: Node) -> tuple[list[Node], dict[str, Node]]:
    arguments = node.child_by_field_name("arguments")
    positional: list[Node] = []
    keywords: dict[str, Node] = {}
    for arg in named_children(arguments) if arguments is not None else []:
        if arg.type == "keyword_argument":
            key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            if key is not None and value is not None:
                keywords[text(key)] = value
        elif arg.type in ("list_splat", "dictionary_splat"):
            raise Unsup(arg, f"the argument {quote(arg)} is not supported")
        else:
            positional.append(arg)
    return positional, keywords


def _dtype_arg(node: Node | None) -> DType | None:
    if node is None:
        return None
    dtype = dtype_name(text(node))
    if dtype is None:
        raise Unsup(node, f"the dtype {quote(node)} is not supported")
    return dtype


def _numpy(ctx: Ctx, node: Node, maker: str) -> AllocSpec:
    args, keywords = _arguments(node)
    shape_node = args[0] if args else keywords.get("shape")
    if shape_node is None:
        raise Unsup(node, f"{quote(node)} has no shape")
    if shape_node.type in ("tuple", "list", "expression_list"):
        shape = tuple(index(ctx, item) for item in named_children(shape_node))
    else:
        shape = (index(ctx, shape_node),)
    dtype = _dtype_arg(keywords.get("dtype") or (args[1] if len(args) > 1 and maker != "full" else None))
    return AllocSpec(shape, *_init(ctx, node, maker, dtype, args, keywords), fixed=True)


def _numpy_like(ctx: Ctx, node: Node, maker: str) -> AllocSpec:
    args, keywords = _arguments(node)
    if not args:
        raise Unsup(node, f"{quote(node)} has no array argument")
    view = array_view(ctx, args[0])
    rank = ctx.rank(view.array)
    if rank is None:
        rank = len(view.prefix) + 1
        ctx.cur.note_rank(view.array, rank)
    shape = tuple(Dim(view.array, axis) for axis in range(len(view.prefix), rank))
    dtype = _dtype_arg(keywords.get("dtype")) or ctx.element_dtype(view.array)
    return AllocSpec(shape, *_init(ctx, node, maker, dtype, args, keywords), fixed=True)


def _init(ctx: Ctx, node: Node, maker: str, dtype: DType | None, args: list[Node],
          keywords: dict[str, Node]) -> tuple[DType, Expr | None]:
    if maker == "empty":
        return dtype or DType.F64, None
    if maker == "full":
        fill = args[1] if len(args) > 1 else keywords.get("fill_value")
        if fill is None:
            raise Unsup(node, f"{quote(node)} has no fill value")
        value = expr(ctx, fill)
        dtype = dtype or value.dtype
        return dtype, coerce(value, dtype)
    one = maker == "ones"
    dtype = dtype or DType.F64
    return dtype, Const(float(one) if dtype.is_float else (one if dtype is DType.BOOL else int(one)), dtype)

