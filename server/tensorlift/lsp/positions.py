"""Positions between the engine (zero-based line, UTF-8 *byte* column) and the client (its negotiated position
encoding: UTF-16 by default, UTF-8 or UTF-32 when the client prefers them)."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..common import Position, Span


class Positions:
    """Converts positions for one immutable text. Lines are split on `\\n` as the engine splits them."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.lines: Sequence[str] = text.split("\n")
        self.codec = codec

    def to_client(self, position: Position) -> types.Position:
        if position.line >= len(self.lines):
            last = len(self.lines) - 1
            return types.Position(last, self.codec.client_num_units(self.lines[last]))
        line = self.lines[position.line]
        prefix = line.encode("utf-8")[: position.character].decode("utf-8", errors="ignore")
        return types.Position(position.line, self.codec.client_num_units(prefix))

    def range_to_client(self, span: Span) -> types.Range:
        return types.Range(self.to_client(span.start), self.to_client(span.end))

    def from_client(self, position: types.Position) -> Position:
        """The engine position (byte column) of a client position; past the end clamps to the end."""
        if position.line >= len(self.lines):
            last = len(self.lines) - 1
            return Position(last, len(self.lines[last].encode("utf-8")))
        line = self.lines[position.line]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return Position(position.line, len(line[:index].encode("utf-8")))
            units += self.codec.client_num_units(char)
        return Position(position.line, len(line.encode("utf-8")))


def contains(span: Span, position: Position) -> bool:
    return span.start <= position <= span.end
