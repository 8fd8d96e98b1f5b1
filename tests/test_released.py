"""A result whose prose view was let go (``LintResult.released``, what ``check --jobs`` workers
send back) keeps what reports read, also once pickled between processes."""

from __future__ import annotations

import pickle

from commlint.config import Config
from commlint.engine.linter import Linter
from commlint.engine.result import ReleasedDocument
from commlint.source.decode import decode

DRAFT = b"# Launch\n\nOur product is totally secure and the best in the world. We guarantee it.\n"


def test_a_released_result_keeps_words_findings_and_fingerprints_through_pickling() -> None:
    result = Linter(Config.default()).lint(decode(DRAFT, "draft.md"))
    assert result.diagnostics and result.words > 10
    released = result.released()
    copy = pickle.loads(pickle.dumps(released))  # as a --jobs worker hands it back
    assert isinstance(copy.document, ReleasedDocument) and copy.document.prose == ""
    assert (copy.document.format, copy.document.path, copy.words) == ("markdown", "draft.md", result.words)
    assert copy.diagnostics == result.diagnostics
    assert copy.fingerprints() == released.fingerprints() == result.fingerprints()


def test_a_document_pickles_to_an_equal_one_with_the_same_sentences() -> None:
    doc = Linter(Config.default()).document(decode(DRAFT, "draft.md"))  # its prose view, before any rule
    copy = pickle.loads(pickle.dumps(doc))
    assert copy == doc and copy.sentences == doc.sentences and copy.word_count == doc.word_count
    assert copy.sentence_index(len(doc.prose) - 1) == len(doc.sentences) - 1
