"""The restricted grammar and its probabilities: sketches from the unit's stores, nothing with probability zero,
weights that follow the loop body's features and the priors, and priors that round-trip through TOML."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from search_kernels import CLAMP_C, REVERSED_DOT_PY, RUNNING_MAX_C, SCREEN_C, unit_of

from tensorlift.common import Language
from tensorlift.search.grammar import Leaf, ReduceP, build_grammar
from tensorlift.search.learn import program_labels, write_priors
from tensorlift.search.pcfg import Priors, probabilities, read_priors
from tensorlift.tensir.parser import parse
from tensorlift.tensir.printer import show_expr

REVERSED_COPY_C = """
void flip(int n, const float *a, float *b) {
    for (int i = 0; i < n; i++) b[n - 1 - i] = a[i];
}
"""

ALL_KERNELS = [(SCREEN_C, Language.C), (REVERSED_DOT_PY, Language.PYTHON), (CLAMP_C, Language.C),
               (RUNNING_MAX_C, Language.C)]


@pytest.mark.parametrize("guidance", ["uniform", "priors", "features", "llm"])
@pytest.mark.parametrize("source, language", ALL_KERNELS)
def test_no_production_has_probability_zero(source: str, language: Language, guidance: str) -> None:
    grammar = build_grammar(unit_of(source, language))
    priors = Priors({"bin:+": 50, "access:identity": 200})
    llm = {"bin:*": 3, "leaf:p(i)": 2}
    for g in grammar.outputs:
        probs = probabilities(g, guidance, priors, grammar.features, llm)  # type: ignore[arg-type]
        assert all(0 < p <= 1 for p in probs.values())
        for lhs, rules in g.by_lhs().items():
            assert math.isclose(sum(probs[r] for r in rules), 1.0), lhs


def test_a_reversed_store_gives_a_reversed_read() -> None:
    grammar = build_grammar(unit_of(REVERSED_COPY_C, Language.C))
    (out,) = grammar.outputs
    (sketch, *_) = out.sketches
    assert [loop.var for loop in sketch.domain] == ["i"]
    leaves = {show_expr(r.production.expr) for r in out.rules if isinstance(r.production, Leaf)}
    assert "a(n - i - 1)" in leaves or "a(n - 1 - i)" in leaves, leaves


def test_reductions_range_over_the_loops_not_solved_for_the_target() -> None:
    grammar = build_grammar(unit_of(REVERSED_DOT_PY, Language.PYTHON))
    (out,) = grammar.outputs
    reductions = {(r.production.op.value, r.production.var) for r in out.rules if isinstance(r.production, ReduceP)}
    assert ("sum", "i") in reductions
    assert all(s.domain == () for s in out.sketches)


def test_features_raise_what_the_body_does() -> None:
    grammar = build_grammar(unit_of(RUNNING_MAX_C, Language.C))
    (out,) = grammar.outputs
    root_scope = [r for r in out.rules if r.lhs.kind == "E" and r.lhs.scope == ()]
    by_key = {r.key: r for r in root_scope}
    flat = probabilities(out, "priors", Priors(), grammar.features)
    featured = probabilities(out, "features", Priors(), grammar.features)
    fold_max, fold_min = by_key["fold:max:i"], by_key["fold:min:i"]
    assert featured[fold_max] > flat[fold_max]
    assert featured[fold_max] > featured[fold_min]


def test_priors_weigh_labels() -> None:
    grammar = build_grammar(unit_of(SCREEN_C, Language.C))
    (out,) = grammar.outputs
    rules = {r.key: r for r in out.rules if r.lhs.kind == "E"}
    plain = probabilities(out, "priors", Priors(), grammar.features)
    learned = probabilities(out, "priors", Priors({"bin:*": 100}), grammar.features)
    assert learned[rules["bin:*"]] > plain[rules["bin:*"]]
    assert learned[rules["bin:+"]] < plain[rules["bin:+"]]


def test_learned_priors_round_trip_through_toml(tmp_path: Path) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    env = {p.name: __import__("tensorlift.tensir.nodes", fromlist=["TensorType"]).TensorType(p.dtype, p.rank)
           for p in unit.inputs}
    program = parse("r(i) = p(i) + q(i) - p(i) * q(i)  for i in 0:n", env)
    counts = program_labels(program)
    assert counts["bin:+"] == 1 and counts["bin:*"] == 1 and counts["access:identity"] == 4
    path = tmp_path / "p.toml"
    write_priors(Priors(dict(counts), ("test",), {"command": "test", "corpus": "none"}), path)
    text = path.read_text("utf-8")
    assert text.startswith("#") and "command: test" in text
    again = read_priors(path)
    assert dict(again.counts) == {k: float(v) for k, v in counts.items()}
