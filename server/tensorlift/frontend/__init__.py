"""Source text -> Kernel IR: one entry, `parse`, dispatching on the language.

The C/C++ and Python frontends turn each function into a `KernelFunction`; the language-independent passes
(`kernel.normalize`, `kernel.units`) then normalise it and split it into lift units.
"""

from __future__ import annotations

from ..common import Language, SourceError
from ..kernel.nodes import KernelFunction, LiftUnit, ParsedFile


def parse(source: bytes | str, language: Language, path: str = "<input>") -> ParsedFile:
    data = source.encode("utf-8") if isinstance(source, str) else source
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    functions, errors = _parse_functions(data, language, path)
    from ..kernel.normalize import normalize
    from ..kernel.units import split_units

    normalised = tuple(normalize(f) for f in functions)
    units: list[LiftUnit] = []
    for function in normalised:
        units.extend(split_units(function, data))
    return ParsedFile(path, language, normalised, tuple(units), tuple(errors))


def _parse_functions(
    data: bytes, language: Language, path: str
) -> tuple[tuple[KernelFunction, ...], tuple[SourceError, ...]]:
    if language is Language.PYTHON:
        from .python import parse_functions as parse_python

        return parse_python(data, path)
    from .c_family import parse_functions as parse_c

    return parse_c(data, language, path)
