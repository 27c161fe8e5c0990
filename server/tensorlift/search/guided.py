"""The guided enumerator (design §5): best-first search over the unit's probabilistic grammar.

Placeholder until the guided search lands in this session: it proposes no candidates, so units the analysis
cannot lift are reported `not-lifted` with the analysis's reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..kernel.examples import Example
from ..kernel.nodes import LiftUnit
from ..options import LiftOptions
from ..semantics import NumericModel

if TYPE_CHECKING:
    from . import Candidate, CandidateSearch


def guided_candidates(unit: LiftUnit, examples: Sequence[Example], model: NumericModel, options: LiftOptions,
                      deadline: float, seen: set[str], search: CandidateSearch) -> Iterator[Candidate]:
    return iter(())
