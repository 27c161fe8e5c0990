"""C/C++ expressions to Kernel expressions, with C's typing rules.

`expr` gives an rvalue, `place` an assignment target, `view_of` the array window a pointer-valued expression
denotes (`a`, `p + k`, `&a[i]`, `A[i]`, `p++`). Known math functions become `Call`s under their canonical names;
`min`/`max` in all their spellings become `Bin(MIN/MAX)`; same-file straight-line helpers are inlined by binding
their parameters to the argument expressions. Anything else raises `Reject` with a reason naming the construct.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from tree_sitter import Node

from ..common import BinOp, DType, Language, UnOp, promote
from ..kernel.nodes import Bin, Call, Const, Dim, Expr, Load, Select, Store, Unary, Var, VarRef
from .c_arith import FLOATS, INTS, binary, convert, int_value, negate, promoted, truthy
from .c_context import BoundSym, Ctx, OpaqueSym, Reject, ScalarSym, ViewSym, moved
from .c_query import reparse_expression
from .c_types import brief, declared, operator, text, type_info

_ARITH: dict[str, BinOp] = {
    "+": BinOp.ADD, "-": BinOp.SUB, "*": BinOp.MUL, "<": BinOp.LT, "<=": BinOp.LE, ">": BinOp.GT,
    ">=": BinOp.GE, "==": BinOp.EQ, "!=": BinOp.NE, "&&": BinOp.AND, "||": BinOp.OR,
}
_BITWISE = frozenset({"<<", ">>", "&", "|", "^"})

# Known math functions: canonical name for every C spelling (the `f`/`l` suffixed forms are added below).
_MATH: dict[str, str] = {
    name: name for name in ("sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "floor", "ceil", "pow", "erf")
}
_MATH.update({f"{name}{suffix}": name for name in list(_MATH) for suffix in ("f", "l")})
_FABS = {"fabs": None, "fabsf": DType.F32, "fabsl": None}
_INT_ABS = frozenset({"abs", "labs", "llabs"})
_MIN = frozenset({"min", "MIN", "fmin", "fminf", "fminl", "Min"})
_MAX = frozenset({"max", "MAX", "fmax", "fmaxf", "fmaxl", "Max"})
_MAX_INLINE_DEPTH = 8
# Limits from <limits.h>, <stdint.h> and <float.h>, which the file includes but tree-sitter does not read.
_LIMITS: dict[str, Const] = {
    "INT_MAX": Const(2**31 - 1, DType.I32), "INT_MIN": Const(-(2**31), DType.I32),
    "INT32_MAX": Const(2**31 - 1, DType.I32), "INT32_MIN": Const(-(2**31), DType.I32),
    "UINT_MAX": Const(2**32 - 1, DType.U32), "LONG_MAX": Const(2**63 - 1, DType.I64),
    "LONG_MIN": Const(-(2**63), DType.I64), "INT64_MAX": Const(2**63 - 1, DType.I64),
    "INT64_MIN": Const(-(2**63), DType.I64), "SHRT_MAX": Const(2**15 - 1, DType.I32),
    "SHRT_MIN": Const(-(2**15), DType.I32), "CHAR_MAX": Const(127, DType.I32), "CHAR_MIN": Const(-128, DType.I32),
    "UCHAR_MAX": Const(255, DType.I32), "INT8_MAX": Const(127, DType.I32), "INT8_MIN": Const(-128, DType.I32),
    "UINT8_MAX": Const(255, DType.I32), "INT16_MAX": Const(2**15 - 1, DType.I32),
    "INT16_MIN": Const(-(2**15), DType.I32),
    "FLT_MAX": Const(3.4028234663852886e38, DType.F32), "DBL_MAX": Const(1.7976931348623157e308, DType.F64),
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
T = TypeVar("T")


def expr(ctx: Ctx, node: Node) -> Expr:
    """The rvalue `node` denotes."""
    kind = node.type
    if kind == "number_literal":
        return number(node)
    if kind == "char_literal":
        return Const(_char_value(node), DType.I32 if ctx.language is Language.C else DType.I8)
    if kind in ("true", "false"):
        return Const(kind == "true", DType.BOOL)
    if kind == "identifier":
        return _name(ctx, node)
    if kind == "parenthesized_expression":
        inner = _only_child(node)
        return expr(ctx, inner)
    if kind == "binary_expression":
        return _binary(ctx, node)
    if kind == "unary_expression":
        return _unary(ctx, node)
    if kind in ("subscript_expression", "pointer_expression"):
        if kind == "pointer_expression" and _operator(node) == "&":
            raise Reject(node, f"taking an address (`{text(node)}`) as a value is not supported")
        return _table_value(ctx, place(ctx, node))
    if kind == "call_expression":
        return _call(ctx, node)
    if kind == "conditional_expression":
        cond = truthy(expr(ctx, _field(node, "condition")))
        then, other = (_unmoving(ctx, _field(node, part)) for part in ("consequence", "alternative"))
        dtype = promote(then.dtype, other.dtype) if then.dtype is not other.dtype else then.dtype
        return Select(cond, convert(then, dtype), convert(other, dtype), dtype)
    if kind == "cast_expression":
        target = cast_type(node)
        return convert(expr(ctx, _field(node, "value")), target)
    if kind == "qualified_identifier" and ctx.lookup(text(node).removeprefix("::")) is not None:
        return expr_name(ctx, node, text(node).removeprefix("::"))
    if kind == "update_expression":
        raise Reject(node, f"`{text(node)}` inside an expression is not supported; write the increment as its "
                           "own statement")
    if kind == "assignment_expression":
        raise Reject(node, "an assignment inside an expression is not supported")
    if kind == "comma_expression":
        raise Reject(node, "the comma operator is not supported")
    if kind == "sizeof_expression":
        raise Reject(node, "`sizeof` is supported only inside `malloc`/`calloc` sizes")
    if kind == "field_expression":
        raise Reject(node, f"struct field access `{text(node)}` is not supported")
    if kind == "ERROR" or node.is_missing:
        raise Reject(node, "syntax error")
    raise Reject(node, f"`{kind.replace('_', ' ')}` (`{brief(node)}`) is not supported")


def expr_name(ctx: Ctx, node: Node, name: str) -> Expr:
    sym = ctx.lookup(name)
    match sym:
        case None if name in ctx.macros and ctx.macros[name].params is None:
            return _expanded(ctx, node, name, lambda inner: expr(ctx, inner))
        case None if name in _LIMITS:
            return _LIMITS[name]
        case None if name in ("INFINITY", "HUGE_VAL", "HUGE_VALF", "NAN"):
            raise Reject(node, f"`{name}` has no value in the real-number model; start a max/min reduction from "
                               "the first element instead")
        case None:
            raise Reject(node, f"`{name}` is not declared in this function or file")
        case ScalarSym(deref=True):
            raise Reject(node, f"`{name}` is a pointer to a scalar; read it as `*{name}`")
        case ScalarSym():
            return Var(sym.name, sym.dtype)
        case BoundSym():
            return sym.expr
        case OpaqueSym():
            raise Reject(node, sym.reason)
        case ViewSym():
            if sym.poison is not None:
                raise Reject(node, sym.poison)
            if sym.rank == 0:
                return Load(sym.base, sym.prefix, sym.dtype)
            raise Reject(node, f"the array `{name}` is used as a value")
    raise Reject(node, f"`{name}` is not understood")


def _name(ctx: Ctx, node: Node) -> Expr:
    return expr_name(ctx, node, text(node))


def number(node: Node) -> Const:
    raw = text(node)
    if raw.isdigit() and (raw == "0" or raw[0] != "0"):
        decimal = int(raw)
        return Const(decimal, DType.I32 if decimal < 2**31 else DType.I64)
    raw = raw.replace("'", "").lower()
    is_hex = raw.startswith("0x")
    if ("." in raw or ("e" in raw and not is_hex) or "p" in raw) and not raw.startswith("0b"):
        f32 = raw.endswith("f") and not is_hex
        body = raw.rstrip("fl") if not is_hex else raw
        try:
            value = float.fromhex(body) if is_hex else float(body)
        except ValueError as error:
            raise Reject(node, f"number `{text(node)}` is not understood") from error
        return Const(value, DType.F32 if f32 else DType.F64)
    digits = raw.rstrip("ul")
    suffix = raw[len(digits):]
    try:
        if digits.startswith(("0x", "0b")):
            value_i = int(digits, 0)
        elif len(digits) > 1 and digits.startswith("0"):
            value_i = int(digits, 8)
        else:
            value_i = int(digits)
    except ValueError as error:
        raise Reject(node, f"number `{text(node)}` is not understood") from error
    long = "l" in suffix or value_i >= 2**31
    if "u" in suffix:
        return Const(value_i, DType.U64 if long else DType.U32)
    return Const(value_i, DType.I64 if long else DType.I32)


def _char_value(node: Node) -> int:
    body = text(node)[1:-1]
    escapes = {"\\n": 10, "\\t": 9, "\\0": 0, "\\\\": 92, "\\'": 39, "\\r": 13}
    if body in escapes:
        return escapes[body]
    return ord(body[0]) if len(body) == 1 else 0


def cast_type(node: Node) -> DType:
    descriptor = _field(node, "type")
    info = type_info(descriptor.child_by_field_name("type"))
    if descriptor.child_by_field_name("declarator") is not None:
        raise Reject(node, f"the pointer cast `{brief(node)}` is not supported here")
    if info.dtype is None:
        raise Reject(node, f"a cast to {info.problem or 'this type'} is not supported")
    return info.dtype


# -------------------------------------------------------------------------------------------------- operators


def _operator(node: Node) -> str:
    return operator(node)


def _binary(ctx: Ctx, node: Node) -> Expr:
    op = _operator(node)
    if op in _BITWISE:
        raise Reject(node, f"the bit operation `{op}` is not supported")
    lhs = expr(ctx, _field(node, "left"))
    # `&&` and `||` may skip their right operand, so it must not move pointers
    rhs = _unmoving(ctx, _field(node, "right")) if op in ("&&", "||") else expr(ctx, _field(node, "right"))
    return arith(node, op, lhs, rhs)


def _unmoving(ctx: Ctx, node: Node) -> Expr:
    """`expr` for an operand that may not be evaluated (a `?:` branch, the right of `&&`): it must not move a
    pointer, since the move would happen only sometimes."""
    raw = node.text or b""
    if b"++" not in raw and b"--" not in raw:  # no update anywhere inside: nothing can move
        return expr(ctx, node)
    before = {name: sym for name, sym in ctx.visible() if isinstance(sym, ViewSym) and sym.pointer}
    value = expr(ctx, node)
    for name, sym in before.items():
        if ctx.lookup(name) != sym:
            ctx.update(name, sym)
            raise Reject(node, f"the pointer `{name}` is moved conditionally")
    return value


def arith(node: Node, op: str, lhs: Expr, rhs: Expr) -> Expr:
    """`lhs op rhs` for a C operator spelling (also the compound assignments' `+=` without `=`)."""
    if op in _BITWISE:
        raise Reject(node, f"the bit operation `{op}` is not supported")
    dtype = promoted(lhs.dtype, rhs.dtype)
    if dtype in FLOATS and op not in ("&&", "||"):
        # C's usual arithmetic conversions, made explicit: the int operand of a float operation is converted.
        lhs, rhs = convert(lhs, dtype), convert(rhs, dtype)
    if op == "/":
        return binary(BinOp.DIV_REAL if dtype in FLOATS else BinOp.DIV_TRUNC, lhs, rhs)
    if op == "%":
        if dtype in FLOATS:
            raise Reject(node, "`%` on floating-point values does not compile")
        return binary(BinOp.MOD_TRUNC, lhs, rhs)
    kind = _ARITH.get(op)
    if kind is None:
        raise Reject(node, f"the operator `{op}` is not supported")
    if kind is BinOp.AND or kind is BinOp.OR:
        return Bin(kind, truthy(lhs), truthy(rhs), DType.BOOL)
    return binary(kind, lhs, rhs)


def _unary(ctx: Ctx, node: Node) -> Expr:
    op = _operator(node)
    operand = expr(ctx, _field(node, "argument"))
    if op == "-":
        return negate(operand)
    if op == "+":
        return operand
    if op == "!":
        return Unary(UnOp.NOT, truthy(operand), DType.BOOL)
    raise Reject(node, f"the operator `{op}` is not supported")


# ---------------------------------------------------------------------------------------------- arrays, places


def _table_value(ctx: Ctx, target: VarRef | Store) -> Expr:
    """A read; of a `const` table at a constant index, the constant itself."""
    if isinstance(target, Store) and target.array in ctx.tables:
        values, rest = ctx.tables[target.array]
        key = tuple(k for k in (int_value(i) for i in target.indices) if k is not None)
        if len(key) == len(target.indices):
            found = values.get(key, rest)
            if found is not None:
                return found
    return _load(target)


def _load(target: VarRef | Store) -> Expr:
    if isinstance(target, VarRef):
        return Var(target.name, target.dtype)
    return Load(target.array, target.indices, target.dtype)


def subscript_parts(node: Node) -> tuple[Node, Node]:
    """`a[i]` -> (a, i) in both grammars (C has an `index` field, C++ an `indices` argument list)."""
    argument = _field(node, "argument")
    index = node.child_by_field_name("index")
    if index is None:
        indices = node.child_by_field_name("indices")
        if indices is None or indices.named_child_count != 1:
            raise Reject(node, f"the subscript `{brief(node)}` is not supported")
        index = indices.named_children[0]
    return argument, index


def _index(ctx: Ctx, node: Node) -> Expr:
    value = expr(ctx, node)
    if value.dtype not in INTS:
        raise Reject(node, f"the index `{text(node)}` is not an integer")
    return value


def _chain(ctx: Ctx, node: Node) -> tuple[Node, tuple[Expr, ...]]:
    """`A[i][j]` / `v.at(i)` -> (A, (i, j)); indices are translated left to right."""
    bases: list[Node] = []
    while True:
        if node.type == "subscript_expression":
            argument, index = subscript_parts(node)
        elif _method(node) == "at":
            args = _args(node)
            if len(args) != 1:
                raise Reject(node, "`at` takes one index")
            argument, index = _field(_field(node, "function"), "argument"), args[0]
        elif node.type == "parenthesized_expression":
            node = _only_child(node)
            continue
        else:
            break
        bases.append(index)
        node = argument
    return node, tuple(_index(ctx, index) for index in reversed(bases))


def place(ctx: Ctx, node: Node, write: bool = False) -> VarRef | Store:
    """The scalar or array element `node` names, as an assignment target (reads use the same shape). With
    `write`, elements of copies (`for (auto x : v) x = ...`) are refused: writing them changes nothing."""
    kind = node.type
    if kind == "parenthesized_expression":
        return place(ctx, _only_child(node), write)
    if kind == "identifier" or kind == "qualified_identifier":
        name = text(node)
        sym = ctx.lookup(name)
        if isinstance(sym, ScalarSym) and not sym.deref:
            return VarRef(name, sym.dtype)
        if isinstance(sym, ViewSym) and sym.rank == 0 and sym.poison is None:
            _writable(node, name, sym, write)
            return Store(sym.base, sym.prefix, sym.dtype)
        if isinstance(sym, OpaqueSym):
            raise Reject(node, sym.reason)
        if isinstance(sym, ScalarSym):
            raise Reject(node, f"`{name}` is a pointer to a scalar; write `*{name}`")
        if sym is None:
            raise Reject(node, f"`{name}` is not declared in this function (global variables are not supported)")
        raise Reject(node, f"`{name}` cannot be assigned here")
    if kind == "call_expression" and callee(node) in ctx.macros and ctx.lookup(callee(node)) is None:
        return _expanded(ctx, node, callee(node), lambda inner: place(ctx, inner, write))
    if kind == "pointer_expression":
        if _operator(node) != "*":
            raise Reject(node, f"`{brief(node)}` is not an element")
        argument = _field(node, "argument")
        scalar = _deref_scalar(ctx, argument)
        if scalar is not None:
            return scalar
        view = view_of(ctx, argument)
        if view.rank != 1:
            raise Reject(node, f"`{brief(node)}` dereferences a pointer to rows; index it fully instead")
        _writable(node, text(argument), view, write)
        return Store(view.base, view.indices((Const(0, DType.I32),)), view.dtype)
    if kind == "subscript_expression" or _method(node) == "at":
        base, indices = _chain(ctx, node)
        sym = ctx.lookup(text(base)) if base.type == "identifier" else None
        if isinstance(sym, ScalarSym) and sym.deref:
            if indices != (Const(0, DType.I32),):
                raise Reject(node, f"`{text(base)}` is a scalar passed by pointer; only `{text(base)}[0]` is allowed")
            return VarRef(sym.name, sym.dtype)
        view = sym if isinstance(sym, ViewSym) and sym.poison is None else view_of(ctx, base)
        if len(indices) != view.rank:
            raise Reject(node, f"`{brief(node)}` gives {len(indices)} of {view.rank} indices")
        _writable(node, text(base), view, write)
        return Store(view.base, view.indices(indices), view.dtype)
    raise Reject(node, f"`{brief(node)}` is not an assignable element")


def _writable(node: Node, name: str, view: ViewSym, write: bool) -> None:
    if write and view.copy:
        raise Reject(node, f"`{name}` is a copy, and writes to copies are not supported (declare it as a reference, "
                           "`auto&`, if the original should change)")


def _deref_scalar(ctx: Ctx, node: Node) -> VarRef | None:
    if node.type != "identifier":
        return None
    sym = ctx.lookup(text(node))
    if isinstance(sym, ScalarSym) and sym.deref:
        return VarRef(sym.name, sym.dtype)
    return None


def points(ctx: Ctx, node: Node) -> bool:
    """Whether `node` is pointer-valued (so `p + i` is pointer arithmetic, not a sum)."""
    kind = node.type
    if kind == "identifier":
        sym = ctx.lookup(text(node))
        return isinstance(sym, ViewSym) and sym.rank >= 1
    if kind in ("parenthesized_expression", "cast_expression"):
        inner = node.child_by_field_name("value") if kind == "cast_expression" else _only_child(node)
        return inner is not None and points(ctx, inner)
    if kind == "binary_expression" and _operator(node) in ("+", "-"):
        return points(ctx, _field(node, "left")) or points(ctx, _field(node, "right"))
    if kind == "update_expression":
        return points(ctx, _field(node, "argument"))
    if kind == "pointer_expression":
        return _operator(node) == "&"
    if kind == "subscript_expression":
        try:
            base, _ = subscript_parts(node)
        except Reject:
            return False
        sym = ctx.lookup(text(base)) if base.type == "identifier" else None
        depth = 1
        while base.type == "subscript_expression":
            base, _ = subscript_parts(base)
            depth += 1
            sym = ctx.lookup(text(base)) if base.type == "identifier" else None
        return isinstance(sym, ViewSym) and sym.rank > depth
    return _method(node) == "data"


def view_of(ctx: Ctx, node: Node) -> ViewSym:
    """The array window a pointer-valued expression denotes; moves pointers on `p++` / `++p`."""
    kind = node.type
    if kind == "identifier":
        name = text(node)
        sym = ctx.lookup(name)
        if isinstance(sym, ViewSym):
            if sym.poison is not None:
                raise Reject(node, sym.poison)
            return sym
        if isinstance(sym, OpaqueSym):
            raise Reject(node, sym.reason)
        if sym is None:
            raise Reject(node, f"`{name}` is not declared in this function (global variables are not supported)")
        raise Reject(node, f"`{name}` is not an array")
    if kind == "parenthesized_expression":
        return view_of(ctx, _only_child(node))
    if kind == "cast_expression":
        return view_of(ctx, _field(node, "value"))
    if kind == "binary_expression" and _operator(node) in ("+", "-"):
        left, right = _field(node, "left"), _field(node, "right")
        op = _operator(node)
        if points(ctx, left) and not points(ctx, right):
            view, amount = view_of(ctx, left), _index(ctx, right)
            return moved(view, amount if op == "+" else negate(amount))
        if op == "+" and points(ctx, right) and not points(ctx, left):
            amount = _index(ctx, left)
            return moved(view_of(ctx, right), amount)
        raise Reject(node, f"the pointer arithmetic `{brief(node)}` is not supported")
    if kind == "update_expression":
        argument = _field(node, "argument")
        if argument.type != "identifier":
            raise Reject(node, f"`{brief(node)}` is not supported")
        view = view_of(ctx, argument)
        if not view.pointer:
            raise Reject(node, f"`{text(argument)}` is an array, not a pointer; it cannot be moved")
        step = Const(1 if _operator(node) == "++" else -1, DType.I32)
        after = moved(view, step)
        ctx.update(text(argument), after)
        prefix = node.children[0].type in ("++", "--")
        return after if prefix else view
    if kind == "pointer_expression" and _operator(node) == "&":
        target = place(ctx, _field(node, "argument"))
        if not isinstance(target, Store) or not target.indices:
            raise Reject(node, f"`{brief(node)}` takes the address of a scalar")
        return ViewSym(target.array, target.dtype, 1, target.indices[:-1], target.indices[-1])
    if kind == "subscript_expression":
        base, indices = _chain(ctx, node)
        view = view_of(ctx, base)
        if len(indices) >= view.rank:
            raise Reject(node, f"`{brief(node)}` is an element, not an array")
        return ViewSym(view.base, view.dtype, view.rank - len(indices), view.indices(indices),
                       container=view.container, copy=view.copy)
    if _method(node) == "data":
        return view_of(ctx, _field(_field(node, "function"), "argument"))
    raise Reject(node, f"`{brief(node)}` is not an array or pointer the frontend can follow")


# ------------------------------------------------------------------------------------------------------- calls


def _method(node: Node) -> str | None:
    """`v.size()` -> "size" (None when `node` is not a method call)."""
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    if function is None or function.type != "field_expression":
        return None
    return text(function.child_by_field_name("field"))


def _args(node: Node) -> list[Node]:
    args = node.child_by_field_name("arguments")
    return [] if args is None else list(args.named_children)


def callee(node: Node) -> str:
    """The called function's name without `std::`; "" for calls of expressions."""
    function = node.child_by_field_name("function")
    if function is None:
        return ""
    if function.type == "identifier":
        return text(function)
    if function.type == "qualified_identifier":
        name = text(function).removeprefix("::")
        return name.removeprefix("std::")
    if function.type == "template_function":
        return text(function.child_by_field_name("name")).removeprefix("std::")
    return ""


def _call(ctx: Ctx, node: Node) -> Expr:
    method = _method(node)
    if method is not None:
        return _method_call(ctx, node, method)
    name = callee(node)
    args = _args(node)
    cast = _functional_cast(node)
    if cast is not None:
        if len(args) != 1:
            raise Reject(node, f"the conversion `{brief(node)}` takes one value")
        return convert(expr(ctx, args[0]), cast)
    if not name:
        raise Reject(node, f"the call `{brief(node)}` is not supported (function pointers are not)")
    if name in _MIN or name in _MAX:
        if len(args) != 2:
            raise Reject(node, f"`{name}` with {len(args)} arguments is not supported")
        a, b = (expr(ctx, arg) for arg in args)
        dtype = _math_dtype(ctx, name, (a, b)) if name.startswith("f") else promote(a.dtype, b.dtype)
        op = BinOp.MIN if name in _MIN else BinOp.MAX
        return Bin(op, convert(a, dtype), convert(b, dtype), dtype)
    if name in _INT_ABS or name in _FABS:
        if len(args) != 1:
            raise Reject(node, f"`{name}` takes one argument")
        a = expr(ctx, args[0])
        if name in _FABS:
            dtype = _math_dtype(ctx, name, (a,))
        else:
            dtype = a.dtype if a.dtype.is_float and ctx.language is Language.CPP else promote(a.dtype, DType.I32)
        return Call("abs", (convert(a, dtype),), dtype)
    canonical = _MATH.get(name)
    if canonical is not None:
        arity = 2 if canonical == "pow" else 1
        if len(args) != arity:
            raise Reject(node, f"`{name}` takes {arity} argument(s)")
        values = tuple(expr(ctx, arg) for arg in args)
        dtype = _math_dtype(ctx, name, values)
        return Call(canonical, tuple(convert(v, dtype) for v in values), dtype)
    helper = ctx.helpers.get(name)
    if helper is not None:
        return inline(ctx, node, name, args)
    if name in ctx.macros and ctx.lookup(name) is None:
        return _expanded(ctx, node, name, lambda inner: expr(ctx, inner))
    local = ctx.lookup(name)
    if isinstance(local, OpaqueSym):
        raise Reject(node, f"calling `{name}`: {local.reason}")
    if local is not None:
        raise Reject(node, f"calling `{name}`, which is a variable, is not supported (function pointers are not)")
    raise Reject(node, f"the call to `{name}` is not supported (only known math functions and same-file helpers "
                       "that are a single `return` are)")


def _functional_cast(node: Node) -> DType | None:
    """`static_cast<float>(x)` and `float(x)`: the target type, else None."""
    function = node.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "primitive_type":
        return type_info(function).dtype
    if function.type == "template_function" and text(function.child_by_field_name("name")) == "static_cast":
        arguments = function.child_by_field_name("arguments")
        if arguments is not None and arguments.named_child_count == 1:
            descriptor = arguments.named_children[0]
            if descriptor.type == "type_descriptor" and descriptor.child_by_field_name("declarator") is None:
                return type_info(descriptor.child_by_field_name("type")).dtype
    return None


def _expanded(ctx: Ctx, node: Node, name: str, translate: Callable[[Node], T]) -> T:
    """Expand the macro `name` used at `node` (a call `F(a, b)` or a bare name) and translate the expansion."""
    macro = ctx.macros[name]
    body = macro.body.decode("utf-8", errors="replace")
    if macro.params is not None:
        args = _args(node) if node.type == "call_expression" else []
        if len(args) != len(macro.params):
            raise Reject(node, f"the macro `{name}` takes {len(macro.params)} arguments, not {len(args)}")
        mapping = {param: f"({text(arg)})" for param, arg in zip(macro.params, args, strict=True)}
        body = _IDENTIFIER.sub(lambda m: mapping.get(m.group(0), m.group(0)), body)
    if ctx.inline_depth >= _MAX_INLINE_DEPTH:
        raise Reject(node, f"the macro `{name}` expands recursively (or nests too deeply)")
    expansion = reparse_expression(ctx.language, body.encode())
    if expansion is None:
        raise Reject(node, f"the macro `{name}` does not expand to an expression")
    ctx.inline_depth += 1
    try:
        return translate(expansion)
    except Reject as inner:  # positions inside the expansion mean nothing to the user: report the use
        reason = inner.reason if inner.reason.startswith("in the expansion of") else (
            f"in the expansion of `{name}`: {inner.reason}")
        raise Reject(node, reason) from inner
    finally:
        ctx.inline_depth -= 1


def _math_dtype(ctx: Ctx, name: str, values: tuple[Expr, ...]) -> DType:
    """C's `sqrtf` is float and `sqrt` double; C++'s overloads follow the (floating) argument type."""
    if (name.endswith("f") and name not in ("erf",)) or name == "fabsf":
        return DType.F32
    if ctx.language is Language.CPP and all(v.dtype.is_float for v in values):
        dtype = values[0].dtype
        for v in values[1:]:
            dtype = promote(dtype, v.dtype)
        return dtype
    return DType.F64


def _method_call(ctx: Ctx, node: Node, method: str) -> Expr:
    function = _field(node, "function")
    receiver = _field(function, "argument")
    if method in ("size", "length") and not _args(node):
        view = view_of(ctx, receiver)
        if view.pointer or view.offset != Const(0, DType.I32):
            raise Reject(node, f"`{brief(node)}` on a moved pointer is not supported")
        return Dim(view.base, len(view.prefix))
    if method == "at":
        return _load(place(ctx, node))
    raise Reject(node, f"the method call `.{method}(...)` is not supported")


def inline(ctx: Ctx, node: Node, name: str, args: list[Node]) -> Expr:
    """Inline a straight-line helper: its parameters are bound to the arguments, its locals to their values."""
    helper = ctx.helpers[name]
    if ctx.inline_depth >= _MAX_INLINE_DEPTH:
        raise Reject(node, f"the helper `{name}` is recursive (or nested too deeply) and cannot be inlined")
    if len(args) != len(helper.params):
        raise Reject(node, f"`{name}` takes {len(helper.params)} arguments, not {len(args)}")
    scope: dict[str, ScalarSym | ViewSym | BoundSym | OpaqueSym] = {}
    for (pname, dtype, rank), arg in zip(helper.params, args, strict=True):
        if rank:
            view = view_of(ctx, arg)
            if view.rank != rank:
                raise Reject(arg, f"`{text(arg)}` passed to `{name}` has rank {view.rank}, not {rank}")
            scope[pname] = ViewSym(view.base, view.dtype, rank, view.prefix, view.offset)
        else:
            scope[pname] = BoundSym(convert(expr(ctx, arg), dtype))
    saved = ctx.scopes
    ctx.scopes = [scope]
    ctx.inline_depth += 1
    try:
        for statement in helper.statements:
            result = _helper_statement(ctx, statement, name)
            if result is not None:
                return convert(result, helper.dtype)
    except Reject as inner:
        if inner.node.start_point[0] == node.start_point[0]:
            raise
        raise Reject(node, f"the call to `{name}` cannot be inlined ({inner.message})") from inner
    finally:
        ctx.scopes = saved
        ctx.inline_depth -= 1
    raise Reject(node, f"the helper `{name}` does not end in `return`")


def _helper_statement(ctx: Ctx, node: Node, name: str) -> Expr | None:
    if node.type == "return_statement":
        return expr(ctx, _only_child(node))
    if node.type == "declaration":
        base = type_info(node.child_by_field_name("type"))
        for child in node.children_by_field_name("declarator"):
            decl = declared(base, child)
            if decl is None or decl.rank or decl.init is None:
                raise Reject(child, f"the helper `{name}` declares `{text(child)}`, which cannot be inlined")
            initial = expr(ctx, decl.init)
            ctx.declare(decl.name, BoundSym(convert(initial, base.dtype or initial.dtype)))
        return None
    if node.type == "expression_statement" and node.named_child_count == 1:
        assign = node.named_children[0]
        left = assign.child_by_field_name("left")
        if assign.type == "assignment_expression" and left is not None and left.type == "identifier":
            sym = ctx.scopes[-1].get(text(left))
            if isinstance(sym, BoundSym):
                op = operator(assign)
                assigned = expr(ctx, _field(assign, "right"))
                if op != "=":
                    assigned = arith(assign, op[:-1], sym.expr, assigned)
                ctx.declare(text(left), BoundSym(convert(assigned, sym.expr.dtype)))
                return None
    raise Reject(node, f"the helper `{name}` is not straight-line code ending in `return`")


# ------------------------------------------------------------------------------------------------------ helpers


def _field(node: Node, name: str) -> Node:
    child = node.child_by_field_name(name)
    if child is None:
        raise Reject(node, f"`{brief(node)}` is incomplete")
    return child


def _only_child(node: Node) -> Node:
    children = node.named_children
    if len(children) != 1:
        raise Reject(node, f"`{brief(node)}` is not supported")
    return children[0]


