"""The result of linting one document, and what is kept of it once its prose view is let go."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from commlint.config import Config
from commlint.engine.diagnostics import Diagnostic
from commlint.engine.fingerprints import Context, document_fingerprints
from commlint.prose.document import Document
from commlint.source.decode import Source


@dataclass
class LintResult:
    """Everything known about one linted document."""

    path: str | None
    source: Source
    document: Document
    diagnostics: list[Diagnostic]
    extras: dict[str, Any] = field(default_factory=dict)
    #: the configuration the document was linted with (command-line overrides included)
    config: Config | None = None

    @property
    def words(self) -> int:
        return self.document.word_count

    def with_diagnostics(self, diagnostics: list[Diagnostic]) -> LintResult:
        """This result with other diagnostics (accepted findings hidden, say)."""
        return replace(self, diagnostics=diagnostics)

    def fingerprints(self) -> list[tuple[Diagnostic, str, Context]]:
        """(diagnostic, fingerprint, context) for every diagnostic of this document."""
        taken = getattr(self.document, "fingerprints", None)  # a released result took them before letting go
        if taken is not None:
            return list(taken)
        return document_fingerprints(self.document, self.diagnostics)

    def released(self) -> LintResult:
        """This result without its prose view (the largest part of it: two offsets per
        character), for a run that only reports: what formatters read stays (source,
        diagnostics, extras, format, word count). Keeps a long run's memory flat."""
        doc = self.document
        # Fingerprints read the prose around each finding (SARIF, accepted findings): take
        # them now, while the prose view is still here.
        summary = ReleasedDocument(doc.source, doc.format, doc.word_count, self.fingerprints())
        return LintResult(self.path, self.source, summary, self.diagnostics, self.extras, self.config)


class ReleasedDocument(Document):
    """A linted document's format and word count, its prose view let go (LintResult.released)."""

    def __init__(
        self,
        source: Source,
        format: str,  # noqa: A002  (Document's name for it)
        word_total: int,
        fingerprints: list[Any] | None = None,  # LintResult.fingerprints(), taken before release
    ) -> None:
        super().__init__(source, format, "", [], [])
        self.word_total = word_total
        self.fingerprints = fingerprints

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent between processes (parallel runs): rebuilt from its fields, because the state a
        # compiled (mypyc) Document pickles is Document's alone, without this class's fields.
        return ReleasedDocument, (self.source, self.format, self.word_total, self.fingerprints)

    @property
    def word_count(self) -> int:
        return self.word_total
