"""Small kernels written for the search tests, and a way to get their lift units and examples."""

from __future__ import annotations

from tensorlift.common import Language
from tensorlift.frontend import parse
from tensorlift.kernel.examples import Example, make_examples
from tensorlift.kernel.nodes import LiftUnit
from tensorlift.semantics import NumericModel

SCREEN_C = """
void screen_mix(int n, const float *p, const float *q, float *r) {
    for (int i = 0; i < n; i++) {
        r[i] = p[i] + q[i] - p[i] * q[i];
    }
}
"""

REVERSED_DOT_PY = """
def backwards_dot(u, v, n):
    total = 0.0
    for i in range(n - 1, -1, -1):
        total += u[i] * v[n - 1 - i]
    return total
"""

CLAMP_C = """
void clamp_into(int n, const double *src, double low, double high, double *dst) {
    for (int i = 0; i < n; i++) {
        if (src[i] < low) dst[i] = low;
        else if (src[i] > high) dst[i] = high;
        else dst[i] = src[i];
    }
}
"""

STRIDED_SUM_PY = """
def even_sum(samples, n):
    acc = 0.0
    for i in range(0, n, 2):
        acc += samples[i]
    return acc
"""

RUNNING_MAX_C = """
int peak(int n, const int *w) {
    int best = w[0];
    for (int i = 1; i < n; i++) {
        if (w[i] > best) best = w[i];
    }
    return best;
}
"""


def unit_of(source: str, language: Language) -> LiftUnit:
    parsed = parse(source, language)
    assert len(parsed.units) == 1, parsed
    return parsed.units[0]


def examples_of(unit: LiftUnit, seed: int = 0) -> tuple[Example, ...]:
    return make_examples(unit, seed=seed, model=NumericModel())
