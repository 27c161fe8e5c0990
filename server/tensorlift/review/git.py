"""What a change touched, from git: the files changed since a base commit and their changed lines.

The change is everything between the base and the work tree: commits since the base, staged and unstaged edits,
and untracked files that are not ignored (a whole new file counts as changed). Deleted and binary files are left
out; a renamed file is reported under its new path with its old one.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..common import SourceError, TensorliftError

DEFAULT_BRANCHES = ("main", "master", "origin/HEAD")


@dataclass(frozen=True, slots=True)
class Hunk:
    """Lines of the new file that changed: `count` lines from zero-based `start`. A pure deletion has count 0
    and sits between lines `start - 1` and `start`."""

    start: int
    count: int


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str  # relative to the repository root, in the work tree
    old_path: str | None  # the path at the base when the file was renamed, else None
    hunks: tuple[Hunk, ...]
    added: bool = False  # new since the base (or untracked): every line is changed


@dataclass(frozen=True, slots=True)
class Change:
    root: Path
    base: str  # the base commit (full hash)
    base_name: str  # what the user asked for, or how the default was found
    files: tuple[ChangedFile, ...]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=root, capture_output=True,
                          check=False)


def repository_root(folder: Path) -> Path:
    """The top of the work tree that holds `folder`; a clear error when there is none."""
    if not folder.is_dir():
        raise TensorliftError(SourceError("no such folder", str(folder), hint="--repo names the git repository"))
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise TensorliftError(SourceError("not in a git repository", str(folder),
                                          hint="run inside a git work tree or pass --repo DIR"))
    return Path(done.stdout.decode("utf-8").strip())


def resolve_base(root: Path, ref: str | None) -> tuple[str, str]:
    """(commit, description): `ref` itself, or the merge base of HEAD with main, master or origin/HEAD."""
    if ref is not None:
        commit = _commit(root, ref)
        if commit is None:
            raise TensorliftError(SourceError(f"no such revision {ref!r} in this repository", str(root),
                                              hint="give a branch, tag or commit that exists (see git log)"))
        return commit, ref
    if _commit(root, "HEAD") is None:
        raise TensorliftError(SourceError("the repository has no commit yet", str(root),
                                          hint="commit once, or pass --base"))
    for branch in DEFAULT_BRANCHES:
        if _commit(root, branch) is None:
            continue
        done = _git(root, "merge-base", "HEAD", branch)
        if done.returncode == 0:
            return done.stdout.decode().strip(), f"merge base with {branch}"
    raise TensorliftError(SourceError("no main, master or origin/HEAD branch to compare with", str(root),
                                      hint="pass --base REF"))


def _commit(root: Path, ref: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def changes(root: Path, ref: str | None) -> Change:
    """The files changed between the base and the work tree, with their changed lines."""
    base, name = resolve_base(root, ref)
    done = _git(root, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
                "--src-prefix=a/", "--dst-prefix=b/", base, "--")
    if done.returncode != 0:
        raise TensorliftError(SourceError(f"git diff failed: {done.stderr.decode(errors='replace').strip()}",
                                          str(root)))
    files = parse_diff(done.stdout.decode("utf-8", errors="surrogateescape"))
    known = {f.path for f in files}
    for path in untracked(root):
        if path not in known:
            files.append(ChangedFile(path, None, (), added=True))
    return Change(root, base, name, tuple(sorted(files, key=lambda f: f.path)))


def untracked(root: Path) -> list[str]:
    done = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return sorted(p for p in done.stdout.decode("utf-8", errors="surrogateescape").split("\0") if p)


@dataclass(slots=True)
class _FileDiff:
    """One file's part of a diff while it is being read."""

    path: str | None = None
    old: str | None = None
    renamed: bool = False
    deleted: bool = False
    binary: bool = False
    new: bool = False
    hunks: list[Hunk] = field(default_factory=list)

    def read(self, line: str) -> None:
        if line.startswith("@@ "):
            self.hunks.append(parse_hunk_header(line))
        elif self.hunks:
            return  # a changed line, not a header (it may well start with "+++ ")
        elif line.startswith("deleted file mode"):
            self.deleted = True
        elif line.startswith("new file mode"):
            self.new = True
        elif line.startswith("rename from "):
            self.renamed, self.old = True, unquote(line[len("rename from "):])
        elif line.startswith("rename to "):
            self.path = unquote(line[len("rename to "):])
        elif line.startswith("Binary files ") or line == "GIT binary patch":
            self.binary = True
        elif line.startswith("+++ "):
            name = unquote(line[4:])
            if name == "/dev/null":
                self.deleted = True
            else:
                self.path = name[2:] if name.startswith("b/") else name

    def result(self) -> ChangedFile | None:
        if self.deleted or self.binary or self.path is None:
            return None
        return ChangedFile(self.path, self.old if self.renamed else None, tuple(self.hunks), added=self.new)


def parse_diff(text: str) -> list[ChangedFile]:
    """Files and new-side hunks of `git diff --unified=0` output; deleted and binary files are dropped."""
    parts: list[_FileDiff] = []
    for line in text.splitlines():
        if line.startswith("diff --git "):
            parts.append(_FileDiff())
        elif parts:
            parts[-1].read(line)
    return [f for f in (part.result() for part in parts) if f is not None]


def parse_hunk_header(line: str) -> Hunk:
    """`@@ -a,b +c,d @@` -> the new side as zero-based start and count."""
    new_side = line.split(" ")[2]  # "+c,d" or "+c"
    start_text, _, count_text = new_side[1:].partition(",")
    start, count = int(start_text), int(count_text) if count_text else 1
    return Hunk(start - 1 if count else start, count)


def unquote(name: str) -> str:
    """A path as git prints it: C-quoted ("a/t\\303\\251st.c") when it holds unusual characters."""
    name = name.rstrip("\t")
    if not (name.startswith('"') and name.endswith('"')):
        return name
    body = name[1:-1]
    out = bytearray()
    index = 0
    escapes = {"n": 10, "t": 9, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "r": 13, "v": 11}
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in "01234567":
                out.append(int(body[index + 1:index + 4], 8))
                index += 4
                continue
            out.append(escapes.get(following, ord(following)))
            index += 2
            continue
        out += char.encode("utf-8")
        index += 1
    return out.decode("utf-8", errors="surrogateescape")
