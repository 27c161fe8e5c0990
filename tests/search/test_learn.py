"""Learning priors from a small corpus: productions of the verified lifts and of recorded answers are counted,
and the written file says how it was made."""

from __future__ import annotations

from pathlib import Path

from tensorlift.options import LiftOptions
from tensorlift.search.learn import learn_priors, write_priors
from tensorlift.search.pcfg import read_priors

DOT_C = """
double inner(int n, const double *u, const double *v) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += u[i] * v[i];
    return s;
}
"""

SCALE_PY = """
def scale_into(xs, k):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = k * xs[i]
    return out
"""


def test_learned_counts_and_header(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "one").mkdir(parents=True)
    (corpus / "one" / "inner.c").write_text(DOT_C)
    (corpus / "scale.py").write_text(SCALE_PY)
    answers = tmp_path / "answers"
    (answers / "one").mkdir(parents=True)
    (answers / "one" / "inner.c.txt").write_text("# recorded\ns = max(i in 0:n, u(i))\nnot TensIR at all = (\n")
    priors = learn_priors(corpus, LiftOptions(budget=20), llm_answers_dir=answers)
    assert priors.made is not None
    assert priors.made["solved_units"] == "2" and priors.made["llm_answers"] == "1"
    assert priors.counts["reduce:sum"] == 1 and priors.counts["reduce:max"] == 1
    assert priors.counts["bin:*"] == 2 and priors.counts["scalar"] >= 1
    path = tmp_path / "learned.toml"
    write_priors(priors, path)
    header = path.read_text("utf-8").splitlines()[:10]
    assert any("corpus: " + str(corpus) in line for line in header)
    assert any("solved_units: 2" in line for line in header)
    assert read_priors(path).counts == priors.counts
