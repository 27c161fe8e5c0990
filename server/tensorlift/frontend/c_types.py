"""C and C++ types as the frontend needs them: an element dtype, a rank, the extents the source states, and
whether a declarator is a pointer, a reference or a `std::vector`.

`declared(type_node, declarator_node)` reads a declaration's type and declarator (tree-sitter nodes) into a `Decl`.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

from tree_sitter import Node

from ..common import DType

_PRIMITIVES: dict[str, DType] = {
    "char": DType.I8, "signed char": DType.I8, "unsigned char": DType.U8,
    "short": DType.I16, "short int": DType.I16, "unsigned short": DType.U16, "unsigned short int": DType.U16,
    "int": DType.I32, "signed": DType.I32, "signed int": DType.I32, "unsigned": DType.U32,
    "unsigned int": DType.U32, "long": DType.I64, "long int": DType.I64, "long long": DType.I64,
    "long long int": DType.I64, "unsigned long": DType.U64, "unsigned long int": DType.U64,
    "unsigned long long": DType.U64, "unsigned long long int": DType.U64,
    "float": DType.F32, "double": DType.F64, "long double": DType.F64, "bool": DType.BOOL, "_Bool": DType.BOOL,
    "int8_t": DType.I8, "int16_t": DType.I16, "int32_t": DType.I32, "int64_t": DType.I64,
    "uint8_t": DType.U8, "uint16_t": DType.U16, "uint32_t": DType.U32, "uint64_t": DType.U64,
    "size_t": DType.U64, "ssize_t": DType.I64, "ptrdiff_t": DType.I64, "intptr_t": DType.I64,
    "int_fast32_t": DType.I32, "int_least32_t": DType.I32,
}


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """A base type: element dtype, `std::vector` nesting depth, or why it is not understood."""

    dtype: DType | None
    vector_rank: int = 0
    auto: bool = False
    problem: str | None = None  # e.g. "struct `point`"


# The file's type aliases (`typedef float real;`, `using Image = std::vector<...>;`), set while one file is
# translated (c_family.parse_functions), so every declaration site can resolve them without threading a parameter.
_NO_ALIASES: Mapping[str, TypeInfo] = MappingProxyType({})
ALIASES: ContextVar[Mapping[str, TypeInfo]] = ContextVar("tensorlift_c_aliases", default=_NO_ALIASES)


@dataclass(frozen=True, slots=True)
class Decl:
    """One declared name: `dtype` of its elements, `pointers` (`*` count), `sizes` (array extents as nodes, outer
    first, None for `[]`), `vector_rank`, `reference` (`&`), `init` the initialiser node, `ctor` the argument
    nodes of `std::vector<int> v(n, 0)`."""

    name: str
    node: Node
    base: TypeInfo
    pointers: int = 0
    sizes: tuple[Node | None, ...] = ()
    reference: bool = False
    init: Node | None = None
    ctor: tuple[Node, ...] | None = None

    @property
    def rank(self) -> int:
        return self.pointers + len(self.sizes) + self.base.vector_rank


def text(node: Node | None) -> str:
    raw = node.text if node is not None else None
    return "" if raw is None else raw.decode("utf-8", errors="replace")


def brief(node: Node | None) -> str:
    """A node's source on one line, cut to 40 characters: for messages."""
    words = " ".join(text(node).split())
    return words if len(words) <= 40 else words[:37] + "..."


def operator(node: Node) -> str:
    """The operator of an expression node: anonymous nodes are typed by their spelling, no decoding needed."""
    op = node.child_by_field_name("operator")
    return "" if op is None else op.type


def type_info(node: Node | None) -> TypeInfo:
    """The base type named by a declaration's `type` field."""
    if node is None:
        return TypeInfo(None, problem="a missing type")
    kind = node.type
    if kind in ("primitive_type", "sized_type_specifier", "type_identifier"):
        name = " ".join(text(node).split())
        name = name.removeprefix("std::")
        if name in _PRIMITIVES:
            return TypeInfo(_PRIMITIVES[name])
        alias = ALIASES.get().get(name)
        if alias is not None:
            return alias
        if name.startswith(("unsigned", "signed", "short", "long")) and "int" not in name:
            return type_info_named(name + " int")
        return TypeInfo(None, problem=f"type `{name}`")
    if kind == "qualified_identifier":
        scope = text(node.child_by_field_name("scope"))
        inner = node.child_by_field_name("name")
        if scope == "std" and inner is not None:
            return type_info(inner)
        return TypeInfo(None, problem=f"type `{text(node)}`")
    if kind == "template_type":
        name = text(node.child_by_field_name("name"))
        args = node.child_by_field_name("arguments")
        if name == "vector" and args is not None and args.named_child_count == 1:
            argument = args.named_children[0]
            is_type = argument.type == "type_descriptor"
            element = type_info(argument.child_by_field_name("type")) if is_type else TypeInfo(None)
            if is_type and argument.child_by_field_name("declarator") is not None:
                return TypeInfo(None, problem=f"type `{text(node)}`")
            if element.dtype is None:
                return TypeInfo(None, problem=element.problem or f"type `{text(node)}`")
            return TypeInfo(element.dtype, element.vector_rank + 1)
        return TypeInfo(None, problem=f"type `{text(node)}`")
    if kind == "placeholder_type_specifier":
        return TypeInfo(None, auto=True, problem="`auto`")
    if kind in ("struct_specifier", "union_specifier", "class_specifier"):
        return TypeInfo(None, problem=f"{kind.split('_')[0]} `{text(node.child_by_field_name('name')) or '...'}`")
    if kind == "enum_specifier":
        return TypeInfo(DType.I32)
    return TypeInfo(None, problem=f"type `{text(node)}`")


def type_info_named(name: str) -> TypeInfo:
    dtype = _PRIMITIVES.get(name)
    return TypeInfo(dtype) if dtype is not None else TypeInfo(None, problem=f"type `{name}`")


def declared(base: TypeInfo, declarator: Node | None) -> Decl | None:
    """Unwrap a declarator (`*p`, `a[N][M]`, `&v`, `x = init`, `v(n, 0)`) down to its name."""
    pointers = 0
    sizes: list[Node | None] = []
    reference = False
    init: Node | None = None
    ctor: tuple[Node, ...] | None = None
    node = declarator
    while node is not None:
        kind = node.type
        if kind in ("identifier", "field_identifier"):
            return Decl(text(node), node, base, pointers, tuple(sizes), reference, init, ctor)
        if kind == "init_declarator":
            value = node.child_by_field_name("value")
            if value is not None and value.type == "argument_list":
                ctor = tuple(value.named_children)
            else:
                init = value
            node = node.child_by_field_name("declarator")
        elif kind == "pointer_declarator":
            pointers += 1
            node = node.child_by_field_name("declarator")
        elif kind == "array_declarator":
            # Declarators nest outside-in: `a[N][M]` is array(array(a, N), M), so prepend.
            sizes.insert(0, node.child_by_field_name("size"))
            node = node.child_by_field_name("declarator")
        elif kind == "reference_declarator":
            reference = True
            node = node.named_children[0] if node.named_child_count else None
        elif kind == "parenthesized_declarator":
            node = node.named_children[0] if node.named_child_count else None
        elif kind == "function_declarator" and base.vector_rank:
            # C++'s most vexing parse: `vector<vector<int>> m(n, vector<int>(k))` reads as a function declarator.
            params = node.child_by_field_name("parameters")
            ctor = tuple(params.named_children) if params is not None else ()
            node = node.child_by_field_name("declarator")
        else:
            return None
    return None
