"""tree-sitter plumbing for the Python frontend: parsing, spans, syntax errors, and the module-level facts
(import aliases, integer/float constants, inlinable helpers) that every function's translation reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter_python
from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query, QueryCursor

from ..common import DType, Position, SourceError, Span
from ..kernel.nodes import Const

_LANGUAGE = TSLanguage(tree_sitter_python.language())
_BLOCKS = Query(_LANGUAGE, "(block) @block")
_BOM = b"\xef\xbb\xbf"
MAX_ERRORS = 50  # a binary file yields thousands of ERROR nodes; the first few say enough


def parse(source: bytes) -> Node:
    """The module node. A UTF-8 BOM is dropped so columns count from the decoded text's first character; text
    that announces itself as UTF-16 by its BOM is re-encoded as UTF-8 (spans then count its UTF-8 bytes)."""
    if source.startswith(_BOM):
        source = source[len(_BOM):]
    elif source.startswith((b"\xff\xfe", b"\xfe\xff")):
        source = source.decode("utf-16", errors="replace").encode("utf-8")
    return Parser(_LANGUAGE).parse(source).root_node


def span(node: Node) -> Span:
    start, end = node.start_point, node.end_point
    return Span(Position(start.row, start.column), Position(end.row, end.column))


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def line(node: Node) -> int:
    """One-based line number, as reasons show it."""
    return node.start_point.row + 1


def named_children(node: Node) -> list[Node]:
    """Named children without comments (tree-sitter places comments anywhere)."""
    return [child for child in node.named_children if child.type != "comment"]


def is_empty_block(node: Node) -> bool:
    """tree-sitter accepts `for x in a:` with no body at the end of a file; Python does not."""
    return node.type == "block" and not any(c.type != "comment" for c in node.named_children)


def syntax_errors(root: Node, path: str) -> tuple[SourceError, ...]:
    """One SourceError per maximal ERROR node, per MISSING node and per empty block, in source order (capped)."""
    empty = [SourceError("syntax error: expected an indented block", path, node.start_point.row,
                         node.start_point.column, "write the body")
             for node in QueryCursor(_BLOCKS).captures(root).get("block", []) if is_empty_block(node)]
    if not root.has_error:
        return tuple(empty[:MAX_ERRORS])
    errors: list[SourceError] = []
    stack = [root]
    while stack and len(errors) < MAX_ERRORS:
        node = stack.pop()
        if node.is_missing:
            errors.append(SourceError(f"syntax error: missing `{node.type}`", path, node.start_point.row,
                                      node.start_point.column, "complete the statement"))
        elif node.is_error:
            snippet = text(node).split("\n", 1)[0][:40]
            errors.append(SourceError(f"syntax error near `{snippet}`", path, node.start_point.row,
                                      node.start_point.column, "fix the syntax; this part is not analysed"))
        elif node.has_error:
            stack.extend(reversed(node.children))
    return tuple(sorted(errors + empty, key=lambda e: (e.line or 0, e.column or 0))[:MAX_ERRORS])


# ---------------------------------------------------------------------------------------------- module facts


@dataclass(frozen=True, slots=True)
class Helper:
    """A same-file function whose body is straight-line assignments ending in `return expr`: inlined at calls."""

    name: str
    params: tuple[str, ...]
    defaults: tuple[Node | None, ...]
    body: tuple[Node, ...]  # the statements, the last being the return


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    modules: dict[str, str] = field(default_factory=dict)  # local alias -> module ("np" -> "numpy")
    names: dict[str, str] = field(default_factory=dict)  # imported name -> "module.name" ("sq" -> "math.sqrt")
    constants: dict[str, Const] = field(default_factory=dict)  # `N = 1024` assigned once at module level
    helpers: dict[str, Helper] = field(default_factory=dict)


def module_info(root: Node) -> ModuleInfo:
    info = ModuleInfo()
    assigned: dict[str, int] = {}
    for stmt in named_children(root):
        if stmt.type in ("import_statement", "import_from_statement"):
            _imports(stmt, info)
        elif stmt.type == "function_definition":
            helper = _helper(stmt)
            if helper is not None:
                info.helpers[helper.name] = helper
        elif stmt.type == "expression_statement":
            for expr in named_children(stmt):
                _module_assignment(expr, info, assigned)
    for name, count in assigned.items():
        if count != 1:
            info.constants.pop(name, None)
    return info


def _module_assignment(expr: Node, info: ModuleInfo, assigned: dict[str, int]) -> None:
    if expr.type not in ("assignment", "augmented_assignment"):
        return
    left = expr.child_by_field_name("left")
    if left is None or left.type != "identifier":
        return
    name = text(left)
    assigned[name] = assigned.get(name, 0) + 1
    right = expr.child_by_field_name("right")
    value = literal(right) if right is not None and expr.type == "assignment" else None
    if value is not None:
        info.constants[name] = value


def literal(node: Node) -> Const | None:
    """A numeric or boolean literal, possibly negated: `3`, `-1`, `2.5`, `1e-3`, `True`."""
    if node.type == "parenthesized_expression" and len(named_children(node)) == 1:
        return literal(named_children(node)[0])
    if node.type == "unary_operator":
        operand = node.child_by_field_name("argument")
        operator = node.child_by_field_name("operator")
        inner = literal(operand) if operand is not None else None
        if inner is None or operator is None or inner.dtype is DType.BOOL:
            return None
        sign = -1 if operator.type == "-" else 1
        return Const(sign * inner.value, inner.dtype) if operator.type in "+-" else None
    raw = text(node).replace("_", "")
    try:
        if node.type == "integer":
            return Const(int(raw, 0), DType.I64)
        if node.type == "float":
            return Const(float(raw), DType.F64)
    except ValueError:  # `1j`, `0777` and the like: not numbers the IR has
        return None
    if node.type in ("true", "false"):
        return Const(node.type == "true", DType.BOOL)
    return None


def _imports(stmt: Node, info: ModuleInfo) -> None:
    if stmt.type == "import_statement":
        for child in stmt.children_by_field_name("name"):
            if child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    info.modules[text(alias)] = text(name)
            else:
                info.modules[text(child)] = text(child)
        return
    module = stmt.child_by_field_name("module_name")
    if module is None:
        return
    for child in stmt.children_by_field_name("name"):
        if child.type == "aliased_import":
            name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
            if name is not None and alias is not None:
                info.names[text(alias)] = f"{text(module)}.{text(name)}"
        else:
            info.names[text(child)] = f"{text(module)}.{text(child)}"


def _helper(fn: Node) -> Helper | None:
    name, params, body = (fn.child_by_field_name(f) for f in ("name", "parameters", "body"))
    if name is None or params is None or body is None or fn.has_error:
        return None
    names: list[str] = []
    defaults: list[Node | None] = []
    for param in named_children(params):
        if param.type == "identifier":
            names.append(text(param))
            defaults.append(None)
        elif param.type == "typed_parameter" and named_children(param)[0].type == "identifier":
            names.append(text(named_children(param)[0]))
            defaults.append(None)
        elif param.type in ("default_parameter", "typed_default_parameter"):
            pname, value = param.child_by_field_name("name"), param.child_by_field_name("value")
            if pname is None or pname.type != "identifier":
                return None
            names.append(text(pname))
            defaults.append(value)
        else:
            return None  # *args, **kwargs, `/`, `*`: not a simple helper
    stmts = [s for s in named_children(body) if not is_docstring(s)]
    if not stmts or stmts[-1].type != "return_statement" or not named_children(stmts[-1]):
        return None
    for stmt in stmts[:-1]:
        inner = named_children(stmt)
        if stmt.type != "expression_statement" or len(inner) != 1 or inner[0].type != "assignment":
            return None
    return Helper(text(name), tuple(names), tuple(defaults), tuple(stmts))


def is_docstring(stmt: Node) -> bool:
    if stmt.type != "expression_statement":
        return False
    inner = named_children(stmt)
    return len(inner) == 1 and inner[0].type in ("string", "concatenated_string")

