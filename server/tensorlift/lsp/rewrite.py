"""Workspace edits that apply lifted results: the rewrite, its imports, a proof comment, the proof file.

- Python source (and C/C++ with `gemmini`): the engine's edits (`LiftResult.edits`: the replacement of the unit's
  span and the imports the file lacks), with a one-line proof comment above the replacement.
- C/C++ source with a Python target: the engine's module (`LiftResult.module`) goes to `<stem>_<target>.py` next
  to the source, created when missing, appended to when present.
- The certificate goes to `.tensorlift/proofs/<stem>.<unit>.smt2` next to the source (the server makes the folder:
  Neovim 0.7 creates files but not their folders).
Files are created only through `documentChanges` with `CreateFile`, so only for clients that support both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from ..common import Language
from ..results import LiftResult, Status
from .documents import Snapshot
from .positions import Positions

PROOFS_FOLDER = Path(".tensorlift") / "proofs"


@dataclass(frozen=True, slots=True)
class ClientAbilities:
    document_changes: bool = False
    create_files: bool = False

    @staticmethod
    def of(capabilities: types.ClientCapabilities | None) -> ClientAbilities:
        workspace = capabilities.workspace if capabilities else None
        edit = workspace.workspace_edit if workspace else None
        if edit is None:
            return ClientAbilities()
        changes = bool(edit.document_changes)
        create = changes and types.ResourceOperationKind.Create in (edit.resource_operations or [])
        return ClientAbilities(changes, create)


def status_text(result: LiftResult) -> str:
    if result.status is Status.VERIFIED:
        return "verified for all sizes"
    if result.status is Status.BOUNDED:
        bound = result.proof.bound if result.proof is not None else None
        return f"verified for sizes up to {bound} (bounded)" if bound else "verified for bounded sizes"
    return "not lifted"


def is_python_target(target: str) -> bool:
    return target != "gemmini"


def needs_module(language: Language, target: str) -> bool:
    """C/C++ lifted to a Python DSL: the code goes to a new Python module."""
    return language is not Language.PYTHON and is_python_target(target)


def safe_id(unit_id: str) -> str:
    return re.sub(r"[^\w.-]", "-", unit_id)


def proof_path(snapshot: Snapshot, unit_id: str) -> Path | None:
    file = snapshot.file
    if file is None:
        return None
    return file.parent / PROOFS_FOLDER / f"{file.stem}.{safe_id(unit_id)}.smt2"


def module_path(snapshot: Snapshot, target: str) -> Path | None:
    file = snapshot.file
    if file is None:
        return None
    return file.parent / f"{file.stem}_{target}.py"


class RewriteBuilder:
    """Builds the `WorkspaceEdit` for some lifted results of one snapshot."""

    def __init__(self, snapshot: Snapshot, positions: Positions, abilities: ClientAbilities) -> None:
        self.snapshot = snapshot
        self.positions = positions
        self.abilities = abilities

    def can_apply(self, target: str) -> bool:
        """False when the rewrite needs a file this client cannot create."""
        if not needs_module(self.snapshot.language, target):
            return True
        return self.abilities.create_files and self.snapshot.file is not None

    def proof_note(self, result: LiftResult) -> str:
        where = proof_path(self.snapshot, result.unit_id) if self.abilities.create_files else None
        if where is not None and result.proof is not None and result.proof.certificate:
            assert self.snapshot.file is not None
            shown = where.relative_to(self.snapshot.file.parent).as_posix()
        else:
            shown = "run tensorlift.showProof"
        return f"tensorlift: {status_text(result)} (proof: {shown})"

    def build(self, results: Sequence[LiftResult]) -> types.WorkspaceEdit | None:
        lifted = [r for r in results if r.status is not Status.NOT_LIFTED and r.code is not None]
        if not lifted:
            return None
        source_edits: list[types.TextEdit] = []
        operations: list[types.TextDocumentEdit | types.CreateFile] = []
        modules: dict[str, list[LiftResult]] = {}
        for result in lifted:
            if result.module is not None:
                if not self.can_apply(result.target):
                    return None
                modules.setdefault(result.target, []).append(result)
            else:
                source_edits.extend(self._source_edits(result))
        for target, group in modules.items():
            operations.extend(self._module_changes(target, group))
        if self.abilities.create_files:
            for result in lifted:
                operations.extend(self._proof_changes(result))
        if not self.abilities.document_changes:
            return types.WorkspaceEdit(changes={self.snapshot.uri: _unique(source_edits)})
        changes: list[types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile] = []
        if source_edits:
            ident = types.OptionalVersionedTextDocumentIdentifier(self.snapshot.uri, self.snapshot.version)
            changes.append(types.TextDocumentEdit(ident, list(_unique(source_edits))))
        changes.extend(operations)
        return types.WorkspaceEdit(document_changes=changes)

    # ------------------------------------------------------------------------------------------------ parts

    def _source_edits(self, result: LiftResult) -> list[types.TextEdit]:
        out = []
        for edit in result.edits:
            text = edit.new_text
            if edit.span == result.range:
                text = self._with_comment(result, text)
            out.append(types.TextEdit(self.positions.range_to_client(edit.span), text))
        return out

    def _with_comment(self, result: LiftResult, code: str) -> str:
        note = self.proof_note(result)
        start = result.range.start
        line = self.positions.lines[start.line] if start.line < len(self.positions.lines) else ""
        prefix = line.encode("utf-8")[: start.character].decode("utf-8", errors="ignore")
        python = self.snapshot.language is Language.PYTHON
        comment = f"# {note}" if python else f"/* {note} */"
        if prefix.strip() == "":
            return f"{comment}\n{prefix}{code}"
        return f"{code}  {comment}" if python else f"{comment} {code}"

    def _module_changes(self, target: str,
                        results: Sequence[LiftResult]) -> list[types.TextDocumentEdit | types.CreateFile]:
        path = module_path(self.snapshot, target)
        assert path is not None
        texts = [with_proof_note(r.module or "", f"# {self.proof_note(r)}") for r in results]
        uri = from_fs_path(str(path)) or path.as_uri()
        try:
            existing: str | None = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            existing = None
        if existing is None:
            text = merge_modules(texts)
            return [types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)),
                    types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None),
                                           [types.TextEdit(_at(0, 0), text)])]
        edits = append_to_module(existing, texts, self.positions.codec.client_num_units)
        if not edits:
            return []  # every function is in the module already
        return [types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None), edits)]

    def _proof_changes(self, result: LiftResult) -> list[types.TextDocumentEdit | types.CreateFile]:
        path = proof_path(self.snapshot, result.unit_id)
        certificate = result.proof.certificate if result.proof is not None else None
        if path is None or not certificate:
            return []
        try:  # some clients (Neovim 0.7) create the file but not its folder
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return []
        uri = from_fs_path(str(path)) or path.as_uri()
        return [types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=True)),
                types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None),
                                       [types.TextEdit(_at(0, 0), certificate)])]


def with_proof_note(module: str, note: str) -> str:
    """The engine's module with the proof note in its slot (or above its function when it has no slot)."""
    from ..codegen.edits import PROOF_SLOT  # codegen loads numpy: not at server start

    if PROOF_SLOT in module:
        return module.replace(PROOF_SLOT, note)
    lines = module.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("def ")), len(lines))
    return "\n".join([*lines[:at], note, *lines[at:]])


def _at(line: int, character: int) -> types.Range:
    return types.Range(types.Position(line, character), types.Position(line, character))


def _unique(edits: Sequence[types.TextEdit]) -> list[types.TextEdit]:
    """Edits without repeats (two units that need the same import add it once)."""
    seen: set[tuple[int, int, int, int, str]] = set()
    out = []
    for edit in edits:
        r = edit.range
        marker = (r.start.line, r.start.character, r.end.line, r.end.character, edit.new_text)
        if marker not in seen:
            seen.add(marker)
            out.append(edit)
    return out


def _split_module(text: str) -> tuple[list[str], str]:
    """(import lines, the functions) of a module the engine made: docstring, imports, then functions."""
    head, _, body = text.partition("\n\n\n")
    imports = [line for line in head.splitlines() if line.startswith(("import ", "from "))]
    return imports, body.strip("\n")


def merge_modules(texts: Sequence[str]) -> str:
    """One module from several of the engine's (imports once, the functions in order)."""
    if len(texts) == 1:
        return texts[0]
    parts = [_split_module(t) for t in texts]
    imports = list(dict.fromkeys(line for lines, _ in parts for line in lines))
    first_line = texts[0].splitlines()[0] if texts[0] else '"""Lifted by tensorlift."""'
    bodies = "\n\n\n".join(body for _, body in parts)
    return "\n".join([first_line, "", *imports, "", "", bodies]) + "\n"


def append_to_module(existing: str, texts: Sequence[str],
                     units: Callable[[str], int] = lambda line: len(line.encode("utf-16-le")) // 2,
                     ) -> list[types.TextEdit]:
    """Edits appending the functions of `texts` that `existing` lacks, with the imports it lacks. `units` counts a
    line in the client's position encoding (UTF-16 by default)."""
    imports: list[str] = []
    bodies: list[str] = []
    for text in texts:
        lines, body = _split_module(text)
        if body and body not in existing:
            imports.extend(lines)
            bodies.append(body)
    if not bodies:
        return []
    lines = existing.split("\n")
    present = {line.strip() for line in lines}
    missing = [line for line in dict.fromkeys(imports) if line not in present]
    edits = []
    if missing:
        last_import = max((i for i, line in enumerate(lines) if line.startswith(("import ", "from "))), default=-1)
        at = last_import + 1 if last_import >= 0 else 0
        edits.append(types.TextEdit(_at(at, 0), "".join(f"{line}\n" for line in missing)))
    end_line = len(lines) - 1
    lead = "\n" if existing.endswith("\n") else "\n\n"
    edits.append(types.TextEdit(_at(end_line, units(lines[-1])), lead + "\n" + "\n\n\n".join(bodies) + "\n"))
    return edits
