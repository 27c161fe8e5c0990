"""Python expressions -> Kernel expressions, with Python's semantics (flooring `//` and `%`, true `/`) and the
dtype rule of py_types. Anything the Kernel IR cannot express raises `Unsup` naming the construct."""

from __future__ import annotations

import math

from tree_sitter import Node

from ..common import BinOp, DType, UnOp
from ..kernel.nodes import Bin, Call, Cast, Const, Dim, Expr, Load, Select, Unary, Var
from . import py_arith
from .py_context import Ctx, Unsup, View, quote
from .py_syntax import Helper, literal, named_children, text
from .py_types import dtype_name, join

_BINARY = {"+": BinOp.ADD, "-": BinOp.SUB, "*": BinOp.MUL, "/": BinOp.DIV_REAL, "//": BinOp.DIV_FLOOR,
           "%": BinOp.MOD_FLOOR}
_COMPARE = {"<": BinOp.LT, "<=": BinOp.LE, ">": BinOp.GT, ">=": BinOp.GE, "==": BinOp.EQ, "!=": BinOp.NE}
_MATH = {"sqrt": "sqrt", "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh",
         "erf": "erf", "fabs": "abs", "abs": "abs", "absolute": "abs", "floor": "floor", "ceil": "ceil",
         "pow": "pow", "power": "pow"}
_MATH_MODULES = ("math", "numpy")
_DEFAULT_MODULES = {"math": "math", "np": "numpy", "numpy": "numpy"}
_BUILTINS = ("abs", "min", "max", "len", "float", "int", "bool", "pow", "range", "sum", "round", "enumerate",
             "zip", "reversed", "list", "any", "all", "map", "filter", "sorted")
_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "tau": math.tau}
_NAMED_NODES = {
    "list_comprehension": "list comprehensions are", "generator_expression": "generator expressions are",
    "dictionary_comprehension": "dict comprehensions are", "set_comprehension": "set comprehensions are",
    "lambda": "lambdas are", "dictionary": "dicts are", "set": "sets are", "list": "list literals are",
    "tuple": "tuples are", "string": "strings are", "concatenated_string": "strings are", "none": "`None` is",
    "await": "`await` is", "slice": "slices are", "named_expression": "`:=` assignments are",
    "ellipsis": "`...` is", "yield": "`yield` is",
}


def expr(ctx: Ctx, node: Node) -> Expr:
    match node.type:
        case "parenthesized_expression":
            inner = named_children(node)
            if len(inner) != 1:
                raise Unsup(node, f"unsupported expression {quote(node)}")
            return expr(ctx, inner[0])
        case "integer" | "float" | "true" | "false":
            value = literal(node)
            if value is None:
                raise Unsup(node, f"the number {quote(node)} is not a real number")
            return value
        case "identifier":
            return name_value(ctx, node)
        case "binary_operator":
            return _binary_node(ctx, node)
        case "unary_operator":
            return _unary(ctx, node)
        case "not_operator":
            operand = node.child_by_field_name("argument")
            assert operand is not None
            return Unary(UnOp.NOT, expr(ctx, operand), DType.BOOL)
        case "boolean_operator":
            lhs, rhs = node.child_by_field_name("left"), node.child_by_field_name("right")
            operator = node.child_by_field_name("operator")
            assert lhs is not None and rhs is not None and operator is not None
            op = BinOp.AND if operator.type == "and" else BinOp.OR
            return Bin(op, expr(ctx, lhs), expr(ctx, rhs), DType.BOOL)
        case "comparison_operator":
            return _comparison(ctx, node)
        case "conditional_expression":
            parts = named_children(node)
            if len(parts) != 3:
                raise Unsup(node, f"unsupported conditional expression {quote(node)}")
            then, cond, else_ = (expr(ctx, p) for p in parts)
            return Select(cond, then, else_, _arith_dtype(then.dtype, else_.dtype))
        case "subscript":
            return subscript(ctx, node)
        case "call":
            return call(ctx, node)
        case "attribute":
            return _attribute(ctx, node)
        case _:
            what = _NAMED_NODES.get(node.type, f"`{node.type.replace('_', ' ')}` expressions are")
            raise Unsup(node, f"{what} not supported here: {quote(node)}")


def index(ctx: Ctx, node: Node) -> Expr:
    """An expression in an index or loop-bound position: names read here are integers (py_types rule 3)."""
    ctx.index_depth += 1
    try:
        value = expr(ctx, node)
    finally:
        ctx.index_depth -= 1
    if value.dtype.is_float:
        raise Unsup(node, f"{quote(node)} is a float used as an index or size")
    return value


# --------------------------------------------------------------------------------------------------------- names


def name_value(ctx: Ctx, node: Node) -> Expr:
    name = text(node)
    bound = ctx.env.get(name)
    if isinstance(bound, View):
        raise Unsup(node, f"`{name}` is a row of `{bound.array}`; whole rows cannot be used as values")
    if bound is not None:
        return bound
    if ctx.helpers:  # inside an inlined helper only its own names and module constants are visible
        return _module_name(ctx, node)
    if name in ctx.dead:
        raise Unsup(node, f"`{name}` is used after the loop that defines it")
    if name in ctx.arrays or (ctx.is_param(name) and ctx.param_is_array(name)):
        raise Unsup(node, f"`{name}` is an array used as a whole value; whole-array operations are not "
                          "supported (write the loop element by element)")
    if name in ctx.assigned or name in ctx.loop_vars or name in ctx.hints:
        if ctx.is_param(name):
            ctx.note_index_use(name)
        return Var(name, ctx.scalar_dtype(name))
    return _module_name(ctx, node)


def _module_name(ctx: Ctx, node: Node) -> Expr:
    name = text(node)
    if name in ctx.module.constants:
        return ctx.module.constants[name]
    raise Unsup(node, f"`{name}` is not defined in this function (module-level variables are not supported)")


def array_view(ctx: Ctx, node: Node) -> View:
    """The array (or row of one) that `node` denotes: `a`, `A[i]` of a 2-D `A`, a bound `row`."""
    if node.type == "parenthesized_expression" and len(named_children(node)) == 1:
        return array_view(ctx, named_children(node)[0])
    if node.type == "identifier":
        name = text(node)
        bound = ctx.env.get(name)
        if isinstance(bound, View):
            return bound
        if isinstance(bound, Load):  # an element binding used as an array: it is a row
            return View(bound.array, bound.indices)
        if name in ctx.dead and bound is None:
            raise Unsup(node, f"`{name}` is used after the loop that defines it")
        if bound is None and not ctx.helpers:
            if ctx.building(name):
                raise Unsup(node, f"`{name}` is read while it is being built by `append`")
            if name in ctx.arrays or ctx.is_param(name):
                return View(name, ())
            if name in ctx.assigned:
                ctx.cur.note_rank(name, 1)  # `row = A[i]` seen as a scalar this pass: a view in the next
        raise Unsup(node, f"`{name}` is not an array this function can index")
    if node.type == "subscript":
        value = node.child_by_field_name("value")
        assert value is not None
        base = array_view(ctx, value)
        indices = list(base.prefix)
        for item in node.children_by_field_name("subscript"):
            if item.type == "slice":
                raise Unsup(item, f"slicing ({quote(node)}) is not supported")
            value_ = index(ctx, item)
            if isinstance(value_, Const) and isinstance(value_.value, int) and value_.value < 0:
                value_ = py_arith.add(Dim(base.array, len(indices)), value_)  # a[-1] is a[len(a) - 1]
            indices.append(value_)
        return View(base.array, tuple(indices))
    if node.type == "attribute":
        raise Unsup(node, f"reading the attribute {quote(node)} is not supported")
    raise Unsup(node, f"{quote(node)} is not an array this function can index")


def subscript(ctx: Ctx, node: Node) -> Expr:
    value = node.child_by_field_name("value")
    assert value is not None
    if value.type == "attribute" and _attr_name(value) == "shape":
        return _shape(ctx, value, node)
    view = array_view(ctx, node)
    ctx.cur.note_rank(view.array, len(view.prefix))
    rank = ctx.rank(view.array)
    if rank is not None and rank > len(view.prefix):
        raise Unsup(node, f"{quote(node)} is a row of a {rank}-D array; whole rows cannot be used as values")
    if ctx.index_depth > 0:
        ctx.cur.int_names.add(view.array)
    return Load(view.array, view.prefix, ctx.element_dtype(view.array))


def _shape(ctx: Ctx, attribute: Node, node: Node) -> Expr:
    obj = attribute.child_by_field_name("object")
    items = node.children_by_field_name("subscript")
    assert obj is not None
    axis = literal(items[0]) if len(items) == 1 else None
    if axis is None or not isinstance(axis.value, int) or isinstance(axis.value, bool):
        raise Unsup(node, f"{quote(node)}: only a constant axis of `.shape` is supported")
    view = array_view(ctx, obj)
    k = int(axis.value)
    if k < 0:
        rank = ctx.rank(view.array)
        if rank is None:
            raise Unsup(node, f"{quote(node)}: a negative axis needs the array's rank")
        k += rank - len(view.prefix)
    ctx.cur.note_rank(view.array, len(view.prefix) + k + 1)
    return Dim(view.array, len(view.prefix) + k)


def _attr_name(node: Node) -> str:
    attr = node.child_by_field_name("attribute")
    return text(attr) if attr is not None else ""


def _attribute(ctx: Ctx, node: Node) -> Expr:
    obj = node.child_by_field_name("object")
    attr = _attr_name(node)
    assert obj is not None
    module = _module_of(ctx, obj)
    if module in _MATH_MODULES and attr in _CONSTANTS:
        return Const(_CONSTANTS[attr], DType.F64)
    if attr == "size" and module is None:
        view = array_view(ctx, obj)
        rank = ctx.rank(view.array) or len(view.prefix) + 1
        ctx.cur.note_rank(view.array, rank)
        size: Expr = Dim(view.array, len(view.prefix))
        for axis in range(len(view.prefix) + 1, rank):
            size = py_arith.mul(size, Dim(view.array, axis))
        return size
    raise Unsup(node, f"attribute {quote(node)} is not supported")


# ----------------------------------------------------------------------------------------------------- operators


def _arith_dtype(a: DType, b: DType) -> DType:
    joined = join(a, b)
    return DType.I64 if joined is DType.BOOL else joined


def binary(op_text: str, lhs: Expr, rhs: Expr, node: Node) -> Expr:
    """`lhs op rhs` for Python's arithmetic operators (shared by `a op b` and `a op= b`)."""
    if op_text == "**":
        return _power(lhs, rhs)
    op = _BINARY.get(op_text)
    if op is None:
        raise Unsup(node, f"the operator `{op_text}` is not supported")
    if op is BinOp.DIV_REAL:
        dtype = DType.F32 if lhs.dtype is DType.F32 and rhs.dtype in (DType.F32, DType.I64) else DType.F64
        return Bin(op, lhs, rhs, dtype)
    return Bin(op, lhs, rhs, _arith_dtype(lhs.dtype, rhs.dtype))


def _power(base: Expr, exponent: Expr) -> Expr:
    """`x ** k` for a small constant k (`2` or `2.0`) is repeated multiplication; `x ** 0.5` is sqrt; anything
    else `pow`, an int when both sides are ints and the exponent is not a negative constant (Python's rule; a
    negative variable exponent is assumed away)."""
    small = isinstance(exponent, Const) and exponent.dtype is not DType.BOOL and float(exponent.value) in (
        0, 1, 2, 3, 4)
    if small:
        assert isinstance(exponent, Const)
        dtype = DType.F64 if exponent.dtype.is_float else _arith_dtype(base.dtype, base.dtype)
        base = base if base.dtype is dtype or not dtype.is_float else Cast(base, dtype)
        k = int(exponent.value)
        if k == 0:
            return Const(1.0, dtype) if dtype.is_float else Const(1, dtype)
        result = base
        for _ in range(k - 1):
            result = Bin(BinOp.MUL, result, base, dtype)
        return result
    if isinstance(exponent, Const) and exponent.value == 0.5 and exponent.dtype.is_float:
        return Call("sqrt", (base,), DType.F64)
    negative = isinstance(exponent, Const) and exponent.value < 0
    ints = base.dtype.is_int and exponent.dtype.is_int and not negative
    return Call("pow", (base, exponent), DType.I64 if ints else _arith_dtype(base.dtype, DType.F64))


def _binary_node(ctx: Ctx, node: Node) -> Expr:
    lhs, rhs = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    assert lhs is not None and rhs is not None and operator is not None
    if operator.type == "*" and "list" in (lhs.type, rhs.type):
        raise Unsup(node, f"{quote(node)} builds a list; assign it to a name to allocate an array")
    return binary(operator.type, expr(ctx, lhs), expr(ctx, rhs), node)


def _unary(ctx: Ctx, node: Node) -> Expr:
    operand_node = node.child_by_field_name("argument")
    operator = node.child_by_field_name("operator")
    assert operand_node is not None and operator is not None
    value = literal(node)
    if value is not None:
        return value
    operand = expr(ctx, operand_node)
    if operator.type == "+":
        return operand
    if operator.type == "-":
        return Unary(UnOp.NEG, operand, _arith_dtype(operand.dtype, operand.dtype))
    raise Unsup(node, f"the operator `{operator.type}` is not supported")


def _comparison(ctx: Ctx, node: Node) -> Expr:
    operands: list[Node] = []
    operators: list[str] = []
    pending: list[str] = []
    for child in node.children:
        if child.is_named and child.type != "comment":
            if operands:
                operators.append(" ".join(pending))
            operands.append(child)
            pending = []
        else:
            pending.append(child.type)
    values = [expr(ctx, o) for o in operands]
    result: Expr | None = None
    for k, op_text in enumerate(operators):
        op = _COMPARE.get(op_text)
        if op is None:
            raise Unsup(node, f"the comparison `{op_text}` is not supported")
        test = Bin(op, values[k], values[k + 1], DType.BOOL)
        result = test if result is None else Bin(BinOp.AND, result, test, DType.BOOL)
    if result is None:
        raise Unsup(node, f"unsupported comparison {quote(node)}")
    return result


# --------------------------------------------------------------------------------------------------------- calls


def _module_of(ctx: Ctx, obj: Node) -> str | None:
    """The module a name denotes (`np` -> "numpy"), unless a local or parameter shadows it."""
    if obj.type != "identifier":
        return None
    name = text(obj)
    if name in ctx.env or name in ctx.assigned or name in ctx.hints:
        return None
    return ctx.module.modules.get(name) or _DEFAULT_MODULES.get(name)


def qualified(ctx: Ctx, fn: Node) -> str | None:
    """`np.sqrt` -> "numpy.sqrt", `sqrt` (from math import sqrt) -> "math.sqrt", `abs` -> "builtins.abs"."""
    if fn.type == "identifier":
        name = text(fn)
        if name in ctx.env or name in ctx.assigned or name in ctx.hints:
            return None
        if name in ctx.module.names:
            return ctx.module.names[name]
        return f"builtins.{name}" if name in _BUILTINS else None
    if fn.type == "attribute":
        obj = fn.child_by_field_name("object")
        module = _module_of(ctx, obj) if obj is not None else None
        return f"{module}.{_attr_name(fn)}" if module is not None else None
    return None


def positional(node: Node) -> list[Node]:
    """A call's arguments; keyword arguments and splats are refused (callers that accept keywords read them)."""
    arguments = node.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        raise Unsup(node, f"unsupported call {quote(node)}")
    args = named_children(arguments)
    for arg in args:
        if arg.type in ("keyword_argument", "list_splat", "dictionary_splat"):
            raise Unsup(arg, f"the argument {quote(arg)} is not supported in {quote(node)}")
    return args


def call(ctx: Ctx, node: Node) -> Expr:
    fn = node.child_by_field_name("function")
    assert fn is not None
    name = qualified(ctx, fn)
    if fn.type == "identifier" and name is None and text(fn) in ctx.module.helpers and not ctx.is_shadowed(
            text(fn)):
        return inline(ctx, ctx.module.helpers[text(fn)], node)
    if name is None:
        raise Unsup(node, f"call to `{text(fn)}` is not supported (only known math functions and same-file "
                          "helpers that return one expression are)")
    module, _, short = name.rpartition(".")
    if name == "builtins.len":
        args = positional(node)
        if len(args) != 1:
            raise Unsup(node, f"unsupported call {quote(node)}")
        view = array_view(ctx, args[0])
        ctx.cur.note_rank(view.array, len(view.prefix) + 1)
        return Dim(view.array, len(view.prefix))
    if name in ("builtins.float", "builtins.int", "builtins.bool") or (module == "numpy" and dtype_name(short)):
        return _cast(ctx, node, dtype_name(short) or DType.F64)
    if name in ("builtins.min", "builtins.max", "numpy.minimum", "numpy.maximum", "numpy.fmin", "numpy.fmax"):
        args = positional(node)
        if len(args) < 2:
            raise Unsup(node, f"{quote(node)} reduces a sequence; only `{short}(x, y, ...)` of scalars is "
                              "supported")
        op = BinOp.MIN if short in ("min", "minimum", "fmin") else BinOp.MAX
        values = [expr(ctx, a) for a in args]
        result = values[0]
        for value in values[1:]:
            result = Bin(op, result, value, _arith_dtype(result.dtype, value.dtype))
        return result
    if name == "numpy.square":
        (arg,) = _exactly(node, 1)
        value = expr(ctx, arg)
        return Bin(BinOp.MUL, value, value, value.dtype)
    if name in ("builtins.pow", "math.pow", "numpy.power"):
        base, exponent = (expr(ctx, a) for a in _exactly(node, 2))
        result = _power(base, exponent)
        return Cast(result, DType.F64) if module == "math" and not result.dtype.is_float else result
    if (module in _MATH_MODULES or module == "builtins") and short in _MATH:
        (arg,) = _exactly(node, 1)
        value = expr(ctx, arg)
        canonical = _MATH[short]
        if canonical == "abs":
            dtype = DType.F64 if module == "math" else _arith_dtype(value.dtype, value.dtype)
        elif canonical in ("floor", "ceil"):
            dtype = DType.I64 if module == "math" else _arith_dtype(value.dtype, DType.F64)
        else:
            dtype = DType.F32 if value.dtype is DType.F32 else DType.F64
        return Call(canonical, (value,), dtype)
    if name in ("builtins.sum", "builtins.any", "builtins.all", "builtins.map", "builtins.filter",
                "builtins.sorted"):
        raise Unsup(node, f"`{short}` over a sequence ({quote(node)}) is not supported; write the loop")
    if short in ("append", "copy", "tolist"):
        raise Unsup(node, f"{quote(node)} is not supported here")
    raise Unsup(node, f"call to `{text(fn)}` is not supported (only known math functions and same-file helpers "
                      "that return one expression are)")


def _exactly(node: Node, count: int) -> list[Node]:
    args = positional(node)
    if len(args) != count:
        raise Unsup(node, f"{quote(node)} takes {count} argument{'s' if count > 1 else ''} here")
    return args


def _cast(ctx: Ctx, node: Node, dtype: DType) -> Expr:
    (arg,) = _exactly(node, 1)
    if arg.type == "string":
        special = text(arg).strip("'\"").lower()
        values = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf,
                  "-infinity": -math.inf}
        if dtype.is_float and special in values:
            return Const(values[special], dtype)
        raise Unsup(node, f"{quote(node)}: converting strings is not supported")
    value = expr(ctx, arg)
    if value.dtype is dtype:
        return value
    if isinstance(value, Const) and dtype.is_float and not value.dtype.is_float:
        return Const(float(value.value), dtype)
    return Cast(value, dtype)


def inline(ctx: Ctx, helper: Helper, node: Node) -> Expr:
    """A same-file helper `def f(x, ...): t = ...; return e` at a call: translate its body with its parameters
    bound to the argument expressions (substitution by environment: nothing is evaluated twice in the source's
    sense, since Kernel expressions are pure)."""
    if helper.name in ctx.helpers or len(ctx.helpers) >= 16:
        raise Unsup(node, f"`{helper.name}` is recursive; it cannot be inlined")
    arguments = node.child_by_field_name("arguments")
    assert arguments is not None
    bound: dict[str, Expr] = {}
    args = named_children(arguments)
    for k, arg in enumerate(args):
        if arg.type == "keyword_argument":
            key, value = arg.child_by_field_name("name"), arg.child_by_field_name("value")
            assert key is not None and value is not None
            if text(key) not in helper.params:
                raise Unsup(arg, f"`{helper.name}` has no parameter `{text(key)}`")
            bound[text(key)] = expr(ctx, value)
        elif arg.type in ("list_splat", "dictionary_splat") or k >= len(helper.params):
            raise Unsup(arg, f"the argument {quote(arg)} does not match `{helper.name}`'s parameters")
        else:
            bound[helper.params[k]] = expr(ctx, arg)
    saved = ctx.env
    ctx.helpers.append(helper.name)
    try:
        for param, default in zip(helper.params, helper.defaults, strict=True):
            if param not in bound:
                if default is None:
                    raise Unsup(node, f"`{helper.name}` is called without its parameter `{param}`")
                ctx.env = {}
                bound[param] = expr(ctx, default)
        ctx.env = dict(bound)
        for stmt in helper.body[:-1]:
            assignment = named_children(stmt)[0]
            left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
            if left is None or right is None or left.type != "identifier":
                raise Unsup(stmt, f"`{helper.name}` cannot be inlined: {quote(stmt)}")
            ctx.env[text(left)] = expr(ctx, right)
        return expr(ctx, named_children(helper.body[-1])[0])
    finally:
        ctx.env = saved
        ctx.helpers.pop()
