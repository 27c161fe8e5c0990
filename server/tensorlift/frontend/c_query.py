"""tree-sitter grammars and the few queries the C/C++ frontend runs over whole subtrees (in C, not Python: a
10,000-line file must translate well under a second)."""

from __future__ import annotations

from functools import lru_cache

import tree_sitter_c
import tree_sitter_cpp
from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query, QueryCursor

from ..common import Language

_IDENTIFIERS = "(identifier) @name"
_INITIALISER = "(init_declarator value: (parenthesized_expression (_) @value))"
_WRITTEN = "(assignment_expression left: (identifier) @name) (update_expression argument: (identifier) @name)"


@lru_cache(maxsize=2)
def grammar(language: Language) -> TSLanguage:
    return TSLanguage(tree_sitter_cpp.language() if language is Language.CPP else tree_sitter_c.language())


@lru_cache(maxsize=2)
def parser(language: Language) -> Parser:
    return Parser(grammar(language))


@lru_cache(maxsize=8)
def _query(language: Language, pattern: str) -> Query:
    return Query(grammar(language), pattern)


def _captures(language: Language, pattern: str, node: Node) -> list[Node]:
    return QueryCursor(_query(language, pattern)).captures(node).get("name", [])


def identifier_nodes(language: Language, node: Node) -> list[Node]:
    """Every identifier under `node` (including `node` itself)."""
    return _captures(language, _IDENTIFIERS, node)


def written_names(language: Language, node: Node) -> set[str]:
    """Identifiers assigned (`x = ...`, `x += ...`) or incremented (`x++`) under `node`."""
    return {(n.text or b"").decode("utf-8", errors="replace") for n in _captures(language, _WRITTEN, node)}


def reparse_expression(language: Language, source: bytes) -> Node | None:
    """`source` parsed on its own as an expression (macro bodies, C++ constructor arguments that the grammar read
    as declarations); None when it is not one. Positions in the result are relative to the snippet."""
    tree = parser(language).parse(b"int __tensorlift_value = (" + source + b");")
    if tree.root_node.has_error:
        return None
    for _, captures in QueryCursor(_query(language, _INITIALISER)).matches(tree.root_node):
        values = captures.get("value", [])
        if values:
            return values[0]
    return None
