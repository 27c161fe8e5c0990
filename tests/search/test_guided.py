"""The guided enumerator finds planted programs with the analysis-derived lift switched off, prunes by
observational equivalence, and is deterministic for a seed."""

from __future__ import annotations

import time

import pytest
from search_kernels import CLAMP_C, REVERSED_DOT_PY, RUNNING_MAX_C, SCREEN_C, STRIDED_SUM_PY, examples_of, unit_of

from tensorlift.common import Language
from tensorlift.options import LiftOptions
from tensorlift.search import find_candidates
from tensorlift.search.check import agrees
from tensorlift.search.guided import GuidedSearch
from tensorlift.semantics import NumericModel
from tensorlift.tensir import nodes as T
from tensorlift.tensir.printer import show

MODEL = NumericModel()


def first_candidate(source: str, language: Language, **options: object):
    unit = unit_of(source, language)
    opts = LiftOptions(analysis=False, **options)  # type: ignore[arg-type]
    search = find_candidates(unit, opts, time.monotonic() + 20)
    candidate = next(iter(search), None)
    return unit, candidate, search


@pytest.mark.parametrize("source, language, needle", [
    (REVERSED_DOT_PY, Language.PYTHON, "sum("),
    (CLAMP_C, Language.C, "dst(i) ="),
    (STRIDED_SUM_PY, Language.PYTHON, "samples(2 * i)"),
    (RUNNING_MAX_C, Language.C, "max("),
])
def test_enumeration_finds_planted_programs(source: str, language: Language, needle: str) -> None:
    unit, candidate, search = first_candidate(source, language)
    assert candidate is not None, search.reason
    assert candidate.origin == "enumeration"
    text = show(candidate.program)
    assert needle in text
    # it agrees with the loop on examples it was not searched with
    assert agrees(unit, candidate.program, examples_of(unit, seed=41), MODEL), text
    assert search.stats.nodes > 0 and search.stats.candidates > 0


def test_reversed_dot_product_pairs_the_right_elements() -> None:
    _, candidate, _ = first_candidate(REVERSED_DOT_PY, Language.PYTHON)
    assert candidate is not None
    accesses = {show(e) for s in candidate.program.statements for e in _walk(s.value) if isinstance(e, T.Access)}
    assert any("- 1 -" in a or "n - i" in a or "- i" in a for a in accesses), accesses


def _walk(e: T.Expr):
    from tensorlift.tensir.visit import walk

    return walk(e)


def nodes_to_first(unit, examples, prune: bool, guidance: str = "features") -> tuple[int, T.Program | None]:
    engine = GuidedSearch(unit, examples, MODEL, LiftOptions(guidance=guidance, max_nodes=50_000),  # type: ignore
                          time.monotonic() + 30, prune_equivalent=prune)
    program = next(iter(engine.run()), None)
    return engine.counters.nodes, program


def test_observational_equivalence_prunes_nodes() -> None:
    unit = unit_of(SCREEN_C, Language.C)
    examples = examples_of(unit)
    pruned, found = nodes_to_first(unit, examples, prune=True, guidance="priors")
    unpruned, found_too = nodes_to_first(unit, examples, prune=False, guidance="priors")
    assert found is not None and found_too is not None
    assert pruned < unpruned, (pruned, unpruned)


def test_search_is_deterministic_for_a_seed() -> None:
    unit = unit_of(SCREEN_C, Language.C)
    examples = examples_of(unit)
    runs = [nodes_to_first(unit, examples, prune=True) for _ in range(2)]
    assert runs[0][0] == runs[1][0]
    assert runs[0][1] == runs[1][1]


@pytest.mark.parametrize("guidance", ["priors", "features"])
def test_guidance_explores_fewer_nodes_than_uniform(guidance: str) -> None:
    unit = unit_of(SCREEN_C, Language.C)
    examples = examples_of(unit)
    guided, _ = nodes_to_first(unit, examples, prune=True, guidance=guidance)
    uniform, _ = nodes_to_first(unit, examples, prune=True, guidance="uniform")
    assert guided < uniform, (guided, uniform)


def test_node_budget_stops_the_search() -> None:
    unit = unit_of(SCREEN_C, Language.C)
    engine = GuidedSearch(unit, examples_of(unit), MODEL, LiftOptions(guidance="uniform", max_nodes=5),
                          time.monotonic() + 30)
    assert next(iter(engine.run()), None) is None
    assert engine.counters.nodes <= 5
