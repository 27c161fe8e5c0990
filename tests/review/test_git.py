"""Changed-file and changed-line discovery against real git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tensorlift.common import TensorliftError
from tensorlift.review.git import Hunk, changes, parse_diff, parse_hunk_header, repository_root, resolve_base, unquote


def test_hunk_headers_give_zero_based_new_lines() -> None:
    assert parse_hunk_header("@@ -3,2 +4,3 @@ def f():") == Hunk(3, 3)
    assert parse_hunk_header("@@ -3 +4 @@") == Hunk(3, 1)
    assert parse_hunk_header("@@ -7,2 +6,0 @@") == Hunk(6, 0)  # deleted after new line 6: between 5 and 6


def test_quoted_paths_are_decoded() -> None:
    assert unquote('"b/t\\303\\251st.c"') == "b/tést.c"
    assert unquote('"b/a\\"b.c"') == 'b/a"b.c'
    assert unquote("b/plain.c") == "b/plain.c"


def test_a_changed_line_that_looks_like_a_header_stays_a_changed_line() -> None:
    text = ("diff --git a/x.py b/x.py\nindex 1..2 100644\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+++ b/evil.py\n")
    (changed,) = parse_diff(text)
    assert changed.path == "x.py" and changed.hunks == (Hunk(0, 1),)


def test_changes_since_the_merge_base(review_repo: Path) -> None:
    change = changes(review_repo, None)
    by_path = {f.path: f for f in change.files}
    assert change.base_name == "merge base with main"
    assert change.base == subprocess.run(["git", "rev-parse", "main"], cwd=review_repo, capture_output=True,
                                         text=True, check=True).stdout.strip()
    assert set(by_path) == {"c/dot.c", "py/mixed.py", "py/renamed.py", "py/prefix.py", "py/extra.py"}, (
        "deleted (py/old.py), binary (data/blob.c) and ignored (py/ignored.py) files are left out")
    assert by_path["py/renamed.py"].old_path == "py/moved.py"
    assert by_path["py/renamed.py"].hunks == (Hunk(3, 1),)
    assert by_path["c/dot.c"].hunks == (Hunk(3, 1),), "uncommitted work-tree edits count"
    assert by_path["py/extra.py"].added and by_path["py/prefix.py"].added
    assert by_path["py/mixed.py"].hunks == (Hunk(8, 1),)


def test_an_explicit_base(review_repo: Path) -> None:
    change = changes(review_repo, "HEAD")
    assert {f.path for f in change.files} == {"c/dot.c", "py/extra.py"}
    assert change.base_name == "HEAD"


def test_a_missing_revision_is_a_clear_error(review_repo: Path) -> None:
    with pytest.raises(TensorliftError, match="no such revision 'no-such-branch'"):
        resolve_base(review_repo, "no-such-branch")


def test_a_folder_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TensorliftError, match="not in a git repository"):
        repository_root(tmp_path)


def test_master_is_the_fallback_base(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    for args in (["init", "-q", "-b", "master"], ["config", "user.name", "T"], ["config", "user.email", "t@e"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    (root / "a.py").write_text("x = 1\n")
    subprocess.run(["git", "add", "a.py"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "a"], cwd=root, check=True)
    (root / "a.py").write_text("x = 2\n")
    change = changes(root, None)
    assert change.base_name == "merge base with master"
    assert [f.path for f in change.files] == ["a.py"]
