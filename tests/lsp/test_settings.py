"""The one mapping from the client's `tensorlift` settings to `LiftOptions`, and position conversion."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from tensorlift.common import Position
from tensorlift.lsp.positions import Positions
from tensorlift.lsp.rewrite import append_to_module, merge_modules, with_proof_note
from tensorlift.lsp.settings import Settings, default_cache_dir, settings_from
from tensorlift.options import LiftOptions, LLMConfig


def test_the_extension_defaults_give_the_engine_defaults() -> None:
    raw = {"targets": ["numpy"], "budget": 10, "proofMode": "inductive", "bound": 4, "intModel": "ideal",
           "floatModel": "real", "severity": "hint", "llm": {"baseUrl": None, "model": None, "apiKeyEnv": None},
           "rulePaths": []}
    settings = settings_from(raw)
    assert settings.problems == ()
    assert settings.options() == LiftOptions(cache_dir=default_cache_dir())
    assert settings.targets == ("numpy",) and settings.severity == "hint" and not settings.show_not_lifted


def test_every_setting_reaches_the_options(tmp_path: Path) -> None:
    raw = {"targets": ["torch", "jax", "torch"], "budget": 2.5, "proofMode": "bounded", "bound": 6,
           "intModel": "wrap32", "floatModel": "ieee", "severity": "warning",
           "llm": {"baseUrl": "http://localhost:8000/v1", "model": "m", "apiKeyEnv": "KEY"},
           "rulePaths": [str(tmp_path)], "cacheDir": str(tmp_path / "c"), "showNotLifted": True}
    settings = settings_from(raw)
    assert settings.problems == ()
    assert settings.targets == ("torch", "jax")
    assert settings.severity == "warning" and settings.show_not_lifted
    assert settings.options("jax") == LiftOptions(
        target="jax", budget=2.5, bound=6, proof="bounded", int_model="wrap32", float_model="ieee",
        guidance="llm", llm=LLMConfig("http://localhost:8000/v1", "m", "KEY"), rule_paths=(str(tmp_path),),
        cache_dir=str(tmp_path / "c"))
    assert settings.options().target == "torch"


@pytest.mark.parametrize(("raw", "problem"), [
    ({"targets": ["cobol"]}, "targets"),
    ({"budget": -1}, "budget"),
    ({"budget": True}, "budget"),
    ({"bound": 0}, "bound"),
    ({"proofMode": "hope"}, "proofMode"),
    ({"severity": "error"}, "severity"),
    ({"llm": {"baseUrl": "http://x"}}, "llm"),
    ({"rulePaths": "rules"}, "rulePaths"),
])
def test_invalid_values_fall_back_to_defaults_and_say_so(raw: dict[str, object], problem: str) -> None:
    settings = settings_from(raw)
    assert settings.options() == Settings().options()
    assert settings.targets == ("numpy",) and settings.severity == "hint"
    assert len(settings.problems) == 1 and settings.problems[0].startswith(problem)


def test_missing_keys_keep_the_previous_values_and_the_section_may_be_wrapped() -> None:
    first = settings_from({"targets": ["torch"], "budget": 3})
    second = settings_from({"tensorlift": {"severity": "information"}}, first)
    assert second.targets == ("torch",) and second.options().budget == 3 and second.severity == "information"
    assert settings_from(None, second) == second
    assert settings_from({"cacheDir": False}).options().cache_dir is None


def test_positions_between_utf8_bytes_and_client_units() -> None:
    text = 'x = "é😀"; y = 1\n'
    utf16 = Positions(text, PositionCodec(types.PositionEncodingKind.Utf16))
    utf8 = Positions(text, PositionCodec(types.PositionEncodingKind.Utf8))
    utf32 = Positions(text, PositionCodec(types.PositionEncodingKind.Utf32))
    byte_col = len('x = "é😀"; '.encode())
    assert utf16.to_client(Position(0, byte_col)) == types.Position(0, 11)
    assert utf8.to_client(Position(0, byte_col)) == types.Position(0, 14)
    assert utf32.to_client(Position(0, byte_col)) == types.Position(0, 10)
    for positions, column in ((utf16, 11), (utf8, 14), (utf32, 10)):
        assert positions.from_client(types.Position(0, column)) == Position(0, byte_col)
    assert utf16.from_client(types.Position(9, 0)) == Position(1, 0)


MODULE = '''"""Lifted by tensorlift."""

import numpy as np


# f (f:0), lifted from c source
# proof: {proof}
def f_0(n, x):
    return np.sum(x[:n])
'''


def test_modules_merge_and_append_with_imports_once() -> None:
    other = MODULE.replace("f_0", "g_0").replace("(f:0)", "(g:0)").replace("import numpy as np",
                                                                          "import numpy as np\nimport math")
    merged = merge_modules([with_proof_note(MODULE, "# p1"), with_proof_note(other, "# p2")])
    assert merged.count("import numpy as np") == 1 and "import math" in merged
    assert "# p1\ndef f_0" in merged and "# p2\ndef g_0" in merged
    namespace: dict[str, object] = {}
    exec(compile(merged, "m.py", "exec"), namespace)
    assert callable(namespace["f_0"]) and callable(namespace["g_0"])
    edits = append_to_module(MODULE, [other])
    assert edits[0].new_text == "import math\n"
    assert "def g_0" in edits[-1].new_text and edits[-1].range.start.line == MODULE.count("\n")
    assert with_proof_note("def h():\n    pass\n", "# p") == "# p\ndef h():\n    pass\n"
    assert append_to_module(merged, [with_proof_note(other, "# p2")]) == [], "a function is not added twice"
