"""Candidates for a unit, best first: the analysis-derived lift, then LLM answers (when configured), then the
guided enumerator. Every candidate yielded here already agrees with the loop on the unit's examples; the caller
verifies it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..kernel.nodes import LiftUnit
from ..options import LiftOptions
from ..results import SearchStats
from ..semantics import EvaluationError, NumericModel
from ..tensir import nodes as T


@dataclass(frozen=True, slots=True)
class Candidate:
    program: T.Program
    origin: str  # "analysis" | "llm" | "enumeration"


class CandidateSearch:
    """An iterable of candidates that records what it did (`stats`) and, when it finds nothing, why (`reason`)."""

    def __init__(self, unit: LiftUnit, options: LiftOptions, deadline: float) -> None:
        self.unit = unit
        self.options = options
        self.deadline = deadline
        self.stats = SearchStats()
        self.reason: str | None = None

    def __iter__(self) -> Iterator[Candidate]:
        from ..kernel.examples import make_examples
        from ..tensir.visit import canonical_key
        from .check import agrees
        from .lifter import LiftFailure, lift_unit

        if not self.unit.outputs:
            # Nothing the loop computes is observed afterwards: any program, even the empty one, would "agree".
            self.reason = ("the loop writes nothing that is used after it (no output: a value that is only "
                           "printed, returned in a tuple, or discarded cannot be lifted)")
            return
        model = NumericModel(self.options.int_model, self.options.float_model)
        try:
            examples = make_examples(self.unit, seed=self.options.seed, model=model)
        except EvaluationError as error:
            self.reason = f"the loop could not be run on any example: {error}"
            return
        if not examples:
            self.reason = "the loop could not be run on any example (every input tried raised an error)"
            return
        seen: set[str] = set()
        direct = None
        if self.options.analysis:
            try:
                direct = lift_unit(self.unit)
            except LiftFailure as failure:
                self.reason = str(failure)
        if direct is not None:
            seen.add(canonical_key(direct))
            self.stats = replace(self.stats, candidates=self.stats.candidates + 1)
            if agrees(self.unit, direct, examples, model):
                yield Candidate(direct, "analysis")
            else:
                self.reason = "the direct translation of the loop disagreed with the loop on its examples"
        if time.monotonic() > self.deadline:
            return
        from .guided import guided_candidates

        yield from guided_candidates(self.unit, examples, model, self.options, self.deadline, seen, self)


def find_candidates(unit: LiftUnit, options: LiftOptions, deadline: float) -> CandidateSearch:
    return CandidateSearch(unit, options, deadline)
