"""Dtype inference for Python, which declares no types.

The rule, simple on purpose so a user can predict it:

1. Loop variables, `len(...)`, `.shape[k]` and every other size are I64.
2. A type hint decides when present: `int` -> I64, `float` -> F64, `bool` -> BOOL; `list[float]`,
   `list[list[int]]`, `Sequence[float]`, `npt.NDArray[np.float32]` -> arrays (rank from the nesting when the hint
   says it, else from use) of that element type; `np.ndarray` / `list` -> arrays of F64.
3. Without a hint, a parameter's value (a scalar, or an array's elements) is I64 when the code uses it as an index
   or a loop bound (`range(n)`, `a[idx[i]]`), and F64 otherwise.
4. A local's dtype is the join of the dtypes of every value assigned to it (I64 ⊔ F64 = F64), computed to a fixed
   point: `s = 0; s += a[i]` makes `s` F64 when `a` holds floats, `c = 0; c += 1` keeps `c` I64. Lists built with
   `[0] * n` / `[]` follow the same rule over their stores; NumPy arrays keep the `dtype=` they were made with
   (default F64), and values stored into them are cast.
5. Literals: `1` is I64, `1.0` F64; `/` is F64 even on ints; `//` and `%` keep the operands' promoted type;
   `math.sqrt` and friends are F64; `math.floor` / `math.ceil` are I64 (Python 3 returns int).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..common import DType
from .py_syntax import named_children, text


def join(a: DType, b: DType) -> DType:
    """Least upper bound on BOOL < ints < floats; two different ints give I64, two different floats F64."""
    if a is b:
        return a
    if a.is_float and b.is_float:
        return DType.F64
    if a.is_float or b.is_float:
        return a if a.is_float else b
    if DType.BOOL in (a, b):
        return b if a is DType.BOOL else a
    return DType.I64


_SCALAR_NAMES: dict[str, DType] = {
    "int": DType.I64, "float": DType.F64, "bool": DType.BOOL, "complex": DType.F64,
    "int8": DType.I8, "int16": DType.I16, "int32": DType.I32, "int64": DType.I64, "int_": DType.I64,
    "intc": DType.I32, "uint8": DType.U8, "uint16": DType.U16, "uint32": DType.U32, "uint64": DType.U64,
    "float16": DType.F32, "float32": DType.F32, "float64": DType.F64, "double": DType.F64, "single": DType.F32,
    "float_": DType.F64, "bool_": DType.BOOL, "byte": DType.I8, "ubyte": DType.U8, "short": DType.I16,
    "longlong": DType.I64,
}


def dtype_name(name: str) -> DType | None:
    """`np.int32`, `numpy.float32`, `'int32'`, `int`, `torch.float32` -> the DType; None if unknown."""
    return _SCALAR_NAMES.get(name.strip("'\"").rsplit(".", 1)[-1])


_ARRAY_GENERICS = {"list", "List", "Sequence", "MutableSequence", "tuple", "Tuple", "Iterable", "NDArray",
                   "ndarray", "array", "Array"}


@dataclass(frozen=True, slots=True)
class Hint:
    """What a type hint says: an array (rank None when only use tells) or a scalar, with its element type."""

    array: bool
    dtype: DType
    rank: int | None


def hint(node: Node | None) -> Hint | None:
    """Read a hint node (`type`), or None when it says nothing tensorlift understands."""
    if node is None:
        return None
    if node.type == "type" and len(named_children(node)) == 1:
        return hint(named_children(node)[0])
    if node.type in ("identifier", "attribute"):
        name = text(node)
        if name.rsplit(".", 1)[-1] in _ARRAY_GENERICS:
            return Hint(True, DType.F64, None)
        scalar = dtype_name(name)
        return Hint(False, scalar, 0) if scalar is not None else None
    if node.type == "string":  # `"np.ndarray"` forward references
        inner = text(node).strip("'\"")
        if inner.rsplit(".", 1)[-1] in _ARRAY_GENERICS:
            return Hint(True, DType.F64, None)
        scalar = dtype_name(inner)
        return Hint(False, scalar, 0) if scalar is not None else None
    if node.type in ("generic_type", "subscript"):
        parts = named_children(node)
        head = text(parts[0]) if parts else ""
        if head.rsplit(".", 1)[-1] not in _ARRAY_GENERICS:
            return None
        args = [a for p in parts[1:] for a in (named_children(p) if p.type == "type_parameter" else [p])]
        element = hint(args[-1]) if args else None
        numpy_like = head.rsplit(".", 1)[-1] in ("NDArray", "ndarray")
        if element is None:
            return Hint(True, DType.F64, None)
        if numpy_like:  # NDArray[np.float32]: the argument is the dtype, the rank comes from use
            return Hint(True, element.dtype, None)
        inner_rank = element.rank if element.array else 0
        return Hint(True, element.dtype, None if inner_rank is None else inner_rank + 1)
    return None
