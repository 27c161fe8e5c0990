"""Rule-pack loading and linting: broken rule files give errors with file:line:col; the schema is up to date."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tensorlift.codegen import bundled_rules, load_packs, read_packs
from tensorlift.codegen.rules_cli import check_packs, list_packs
from tensorlift.codegen.schema import pack_schema, render, rule_pack_schema
from tensorlift.common import TensorliftError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]

GOOD_RULE = '''
[[rule]]
id = "x.double"
pattern = "$y(i) = $a(i) * 2  for i in 0:$n"
emit = "{a} * 2"
[[rule.example]]
program = "y(i) = a(i) * 2  for i in 0:n"
inputs = { a = "i64[1]", n = "i64" }
'''


def make_pack(root: Path, body: str, fallback: bool = True, name: str = "x") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "pack.toml").write_text(f'name = "{name}"\nversion = "1"\ndescription = "test"\ntargets = ["numpy"]\n')
    head = '[fallback]\ntranslator = "numpy"\n' if fallback else ""
    (folder / "numpy.toml").write_text(head + textwrap.dedent(body))
    return folder


def test_bundled_packs_load_cleanly_and_check_without_findings() -> None:
    packs, findings = read_packs([bundled_rules()])
    assert findings == []
    assert set(packs.fallbacks) == {"numpy", "torch", "tensorflow", "jax", "mlx", "gemmini"}
    assert check_packs([bundled_rules()]) == []
    [core] = list_packs()
    assert core.name == "core" and core.rules == sum(len(r) for r in packs.rules.values())


def test_unbound_placeholder_in_emit_is_an_error_at_its_line_and_column(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, GOOD_RULE.replace('emit = "{a} * 2"', 'emit = "{a} * {b}"'))
    with pytest.raises(TensorliftError) as error:
        load_packs([str(folder)])
    path = str(folder / "numpy.toml")
    text = (folder / "numpy.toml").read_text().splitlines()
    line = next(i for i, s in enumerate(text) if s.startswith("emit"))
    assert error.value.error.path == path
    assert (error.value.error.line, error.value.error.column) == (line, text[line].index("{b}"))
    assert "unbound metavariable {b}" in str(error.value)
    assert str(error.value).startswith(f"{path}:{line + 1}:{text[line].index('{b}') + 1}:")


def test_unbound_metavariable_in_where_and_bad_constraints(tmp_path: Path) -> None:
    body = GOOD_RULE.replace('emit =', 'where = { z = { dtype = ["int"] }, a = { scalar = true } }\nemit =')
    _, findings = read_packs([make_pack(tmp_path, body)])
    messages = [f.message for f in findings]
    assert any("where: unbound metavariable $z" in m for m in messages)
    assert any("scalar does not apply to a tensor metavariable" in m for m in messages)
    where_line = next(i for i, s in enumerate(body.splitlines()) if s.startswith("where")) + 1 + 2  # fallback lines
    assert all(f.at.line == where_line for f in findings), [str(f) for f in findings]


def test_reads_not_names_a_tensor_metavariable(tmp_path: Path) -> None:
    body = GOOD_RULE.replace('$a(i) * 2  for', '$a(i) * $X  for').replace(
        'emit = "{a} * 2"', 'where = { X = { reads_not = ["a", "X"] } }\nemit = "{a} * {X}"')
    _, findings = read_packs([make_pack(tmp_path, body)])
    assert [f.message for f in findings] == ["where.X.reads_not: $X is not a tensor metavariable of the pattern"]


def test_pattern_syntax_error_points_into_the_pattern(tmp_path: Path) -> None:
    body = GOOD_RULE.replace('"$y(i) = $a(i) * 2  for i in 0:$n"', '"$y(i) = $a(i) * * 2  for i in 0:$n"')
    _, [finding] = read_packs([make_pack(tmp_path, body)])
    line_text = (tmp_path / "x" / "numpy.toml").read_text().splitlines()[finding.at.line - 1]
    assert line_text.startswith("pattern") and line_text[finding.at.column - 1] == "*"
    assert "pattern:" in finding.message


def test_schema_errors_unknown_fields_and_bad_toml(tmp_path: Path) -> None:
    _, findings = read_packs([make_pack(tmp_path / "a", GOOD_RULE.replace('id = "x.double"',
                                                                         'id = "x.double"\nemitt = "x"'))])
    assert any("unknown rule field 'emitt'" in f.message for f in findings)
    _, findings = read_packs([make_pack(tmp_path / "b", GOOD_RULE.replace('emit = "{a} * 2"', "emit = 3"))])
    assert any("field 'emit' must be a string" in f.message for f in findings)
    _, findings = read_packs([make_pack(tmp_path / "c", GOOD_RULE + "\n[[rule]\n")])
    [bad] = findings
    assert "not valid TOML" in bad.message and bad.at.line == len((GOOD_RULE + "\n").splitlines()) + 3


def test_check_finds_duplicates_missing_examples_fallbacks_and_unreachable_rules(tmp_path: Path) -> None:
    general = '''
    [[rule]]
    id = "x.general"
    pattern = "$y(i) = $X  for i in 0:$n"
    emit = "{X}"
    note = "same pattern as the next rule, and first"
    [[rule.example]]
    program = "y(i) = a(i) + 1  for i in 0:n"
    inputs = { a = "i64[1]", n = "i64" }

    [[rule]]
    id = "x.shadowed"
    pattern = "$y(i) = $X  for i in 0:$n"
    emit = "{X} + 0"
    [[rule.example]]
    program = "y(i) = a(i) + 2  for i in 0:n"
    inputs = { a = "i64[1]", n = "i64" }

    [[rule]]
    id = "x.general"
    pattern = "$y(i) = $a(i) - 1  for i in 0:$n"
    emit = "{a} - 1"
    '''
    findings = check_packs([make_pack(tmp_path, general, fallback=False)])
    text = "\n".join(str(f) for f in findings)
    assert "target numpy has no [fallback] translator" in text
    assert "duplicate rule id x.general" in text
    assert "rule has no [[rule.example]]" in text
    assert "unreachable: example 1 is taken by rule x.general" in text
    assert all(":" in str(f.at) and f.at.line >= 1 for f in findings)


def test_schema_files_are_generated_from_the_model_and_validate_the_bundled_pack() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")
    folder = REPO / "rules" / "schema"
    assert (folder / "rule-pack.schema.json").read_text() == render(rule_pack_schema())
    assert (folder / "pack.schema.json").read_text() == render(pack_schema())
    core = bundled_rules() / "core"
    jsonschema.validate(tomllib.loads((core / "pack.toml").read_text()), json.loads(render(pack_schema())))
    for path in core.glob("*.toml"):
        if path.name != "pack.toml":
            jsonschema.validate(tomllib.loads(path.read_text()), rule_pack_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fallback": {"translator": "numpy"}, "rule": [{"id": "a", "pattern": "x"}]},
                            rule_pack_schema())


def test_extra_packs_come_before_the_bundled_ones(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, GOOD_RULE)
    packs = load_packs([str(folder)])
    assert packs.packs[0].name == "x" and packs.rules_for("numpy")[0].id == "x.double"


def test_loads_are_cached_until_a_rule_file_changes(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, GOOD_RULE)
    first = load_packs([str(folder)])
    assert load_packs([str(folder)]) is first
    path = folder / "numpy.toml"
    path.write_text(path.read_text().replace('emit = "{a} * 2"', 'emit = "2 * {a}"'))
    second = load_packs([str(folder)])
    assert second is not first and second.rules_for("numpy")[0].emit == "2 * {a}"
