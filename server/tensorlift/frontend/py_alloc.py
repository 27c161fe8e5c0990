"""Recognise the Python spellings of a new array: `[0.0] * n`, `[[0] * m for _ in range(n)]`, `np.zeros((n, m))`,
`np.zeros(a.shape)`, `np.full(n, v)`, `np.zeros_like(a)`, ... Each becomes the `shape`, `dtype` and `init` of an
`Alloc`. Copies of a whole array (`u.copy()`, `np.copy(u)`, `list(xs)`) are recognised by `copy_of`: the
caller makes them an `Alloc` and the loops that copy."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..common import DType
from ..kernel.nodes import Const, Dim, Expr
from . import py_arith
from .py_arith import coerce
from .py_arrays import known_array
from .py_context import Ctx, Unsup, View, quote
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


def _dtype_arg(ctx: Ctx, node: Node | None) -> DType | None:
    if node is None:
        return None
    owner = node.child_by_field_name("object") if node.type == "attribute" else None
    attribute = node.child_by_field_name("attribute") if node.type == "attribute" else None
    if owner is not None and attribute is not None and text(attribute) == "dtype":  # dtype=x.dtype
        return ctx.element_dtype(array_view(ctx, owner).array)
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
    elif _is_shape_attribute(shape_node):  # np.zeros(a.shape)
        owner = shape_node.child_by_field_name("object")
        assert owner is not None
        shape = _extents(ctx, array_view(ctx, owner))
    else:
        shape = (index(ctx, shape_node),)
    dtype = _dtype_arg(ctx, keywords.get("dtype") or (args[1] if len(args) > 1 and maker != "full" else None))
    return AllocSpec(shape, *_init(ctx, node, maker, dtype, args, keywords), fixed=True)


def _is_shape_attribute(node: Node) -> bool:
    attribute = node.child_by_field_name("attribute") if node.type == "attribute" else None
    return attribute is not None and text(attribute) == "shape"


def _extents(ctx: Ctx, view: View, used_as: int | None = None) -> tuple[Expr, ...]:
    """The shape of `view` (an array or a row of one) as `Dim`s; its rank from use when nothing declares it (its
    own, or `used_as`: the rank the new array is used with)."""
    rank, wanted = ctx.rank(view.array), len(view.prefix) + (used_as or 1)
    if rank is None or rank < wanted:
        rank = wanted
        ctx.cur.note_rank(view.array, rank)
    return tuple(Dim(view.array, axis) for axis in range(len(view.prefix), rank))


def _numpy_like(ctx: Ctx, node: Node, maker: str) -> AllocSpec:
    args, keywords = _arguments(node)
    if not args:
        raise Unsup(node, f"{quote(node)} has no array argument")
    view = array_view(ctx, args[0])
    shape = _extents(ctx, view)
    dtype = _dtype_arg(ctx, keywords.get("dtype")) or ctx.element_dtype(view.array)
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



# ------------------------------------------------------------------------------------------------------ copies


@dataclass(frozen=True, slots=True)
class CopySpec:
    source: View
    shape: tuple[Expr, ...]
    fixed: bool  # a NumPy copy keeps the source's dtype; a list copy's element type grows with what is stored


_DEEP = ("numpy.copy", "numpy.array", "copy.deepcopy")
_SHALLOW = ("builtins.list", "copy.copy")


def copy_of(ctx: Ctx, node: Node, target: str) -> CopySpec | None:
    """The whole-array copy `node` spells (`u.copy()`, `np.copy(u)`, `np.array(u)`, `copy.deepcopy(u)`,
    `list(xs)`, `copy.copy(xs)`, `xs.tolist()`), None when it is not one. A shallow copy of a list of
    rows would share the rows, so those are refused for rank 2 and up."""
    if node.type != "call":  # `xs[:]` copies a list but is a view of a NumPy array: not a copy we can rely on
        return None
    fn = node.child_by_field_name("function")
    args, keywords = _arguments(node)
    if fn is None or keywords:
        return None
    name = qualified(ctx, fn)
    if name in _DEEP + _SHALLOW and len(args) == 1:
        return _copy(ctx, node, args[0], target, deep=name in _DEEP, numpy=name.startswith("numpy."))
    method = fn.child_by_field_name("attribute") if fn.type == "attribute" else None
    owner = fn.child_by_field_name("object") if fn.type == "attribute" else None
    if name is None and method is not None and owner is not None and not args and text(method) in ("copy", "tolist"):
        as_array = text(method) == "copy" and known_array(ctx.source, text(owner))
        return _copy(ctx, node, owner, target, deep=as_array or text(method) == "tolist", numpy=as_array)
    return None


def _copy(ctx: Ctx, node: Node, source: Node, target: str, deep: bool, numpy: bool) -> CopySpec:
    view = array_view(ctx, source)
    shape = _extents(ctx, view, ctx.known_rank(target))
    if len(shape) > 1 and not deep:
        raise Unsup(node, f"{quote(node)} copies only the outer list: its rows stay shared with "
                          f"`{text(source)}`; use `copy.deepcopy` or `np.copy`")
    return CopySpec(view, shape, fixed=numpy)
