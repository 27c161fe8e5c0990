"""A certificate saved by an editor that appends a final newline still re-checks; any other change still fails."""

from __future__ import annotations

from tensorlift.api import lift
from tensorlift.common import Language
from tensorlift.verify.recheck import check_certificate

DOT = """
double dot(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
"""


def test_final_newlines_do_not_matter_but_other_bytes_do() -> None:
    (result,) = lift(DOT, Language.C)
    assert result.proof is not None and result.proof.certificate
    text = result.proof.certificate
    assert check_certificate(text).ok
    assert check_certificate(text + "\n").ok and check_certificate(text + "\n\n").ok
    assert not check_certificate(text.replace("(check-sat)", "(check-sat) ", 1)).ok
    assert not check_certificate(text + "; a comment\n").ok
