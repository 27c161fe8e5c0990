"""Golden files of emitted code: tests/codegen/golden/<program>.<target>.py|.c (`--update-golden` rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tensorlift.codegen import Emitted, Refusal
from tensorlift.common import Language

from .helpers import emitted
from .programs import GOLDEN, PROGRAMS
from .test_gemmini import GEMMINI_PROGRAMS

GOLDEN_DIR = Path(__file__).parent / "golden"
CASES = [(p, t) for p in PROGRAMS if p.name in GOLDEN for t in ("numpy", "torch", "jax", "tensorflow", "mlx")]
CASES += [(p, "gemmini") for p in GEMMINI_PROGRAMS]


def rendered(result: Emitted | Refusal) -> str:
    if isinstance(result, Refusal):
        return f"# ruff: noqa\n# mypy: ignore-errors\n# refused: {result.reason}\n"
    assert result.function is not None
    comment = "//" if result.function.startswith("void") else "#"
    head = [f"{comment} rules: {', '.join(result.rules) or '(fallback)'}"]
    if comment == "#":
        head[:0] = ["# ruff: noqa (generated code, compared verbatim)", "# mypy: ignore-errors"]
    head += [f"{comment} precondition: {p}" for p in result.preconditions]
    return "\n".join([*head, *result.imports, "", result.function])


@pytest.mark.parametrize(("program", "target"), CASES, ids=lambda x: x if isinstance(x, str) else x.name)
def test_emitted_code_matches_its_golden_file(program: object, target: str, update_golden: bool) -> None:
    from .programs import Program

    assert isinstance(program, Program)
    language = Language.C if target == "gemmini" else Language.PYTHON
    text = rendered(emitted(program, target, language))
    path = GOLDEN_DIR / f"{program.name}.{target}.{'c' if target == 'gemmini' else 'py'}"
    if update_golden:
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run pytest tests/codegen --update-golden"
    assert text == path.read_text(encoding="utf-8")
