"""What the server remembers about one open document after linting it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from commlint.engine.diagnostics import Diagnostic
from commlint.engine.linter import Linter
from commlint.lsp.diagnostics import to_lsp
from commlint.lsp.incremental import Snapshot
from commlint.lsp.positions import PositionMap


@dataclass
class DocState:
    """The last published lint of a document: the version and text it was made from."""

    uri: str
    version: int | None
    text: str
    fmt: str
    path: Path | None
    linter: Linter
    #: the findings and prose ranges of this text (from a fast or a full pass)
    snapshot: Snapshot
    posmap: PositionMap
    #: the published commlint diagnostics (internal CL9xx notices removed, except errors), in order
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: the published diagnostics as the JSON the client received (diagnostics.to_json)
    published: list[dict[str, Any]] = field(default_factory=list)
    #: each published diagnostic's JSON by the finding's id (with the finding, which keeps
    #: the id its own), for the next lint to reuse (server._published)
    reused: dict[int, tuple[Diagnostic, dict[str, Any]]] = field(default_factory=dict, repr=False, compare=False)
    #: the density figures of the last lint, when the density feature is available
    density: dict[str, Any] | None = None

    _lsp: list[lsp.Diagnostic] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def lsp_diagnostics(self) -> list[lsp.Diagnostic]:
        """The published diagnostics as lsprotocol objects (built when code actions ask)."""
        if self._lsp is None:
            self._lsp = [to_lsp(d, self.posmap, self.version) for d in self.diagnostics]
        return self._lsp

    @property
    def comment_style(self) -> str:
        return "html" if self.fmt in ("markdown", "html") else "text"

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"
