"""Grammar checking through the ``commlint_grammar_check`` hook.

Two uses: a *safe* suggestion whose rewrite would add a grammar problem the original
sentence did not have is demoted to unsafe (and says why), and, when config
``[grammar] enabled = true``, grammar problems are reported as ``grammar`` findings.
Backends are plugins (commlint-harper, commlint-languagetool); with none installed every
function here is a cheap no-op.
"""

from __future__ import annotations

import _thread  # threading.Lock itself, without the threading module (~1.5 ms of a start)
import sys
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import regex

from commlint import lazyimport
from commlint.engine.diagnostics import Suggestion
from commlint.errors import CommlintError, ConfigError
from commlint.matching import regex_cache
from commlint.rules.ruletypes.base import CheckContext, Finding, Rule, SuggestionSpec

if TYPE_CHECKING:
    from commlint.config import Config
    from commlint.prose.document import Document

#: config ``[grammar]`` keys commlint and its grammar plugins read, with their types
GRAMMAR_KEYS: dict[str, type | tuple[type, ...]] = {
    "enabled": bool,  # report grammar findings (category ``grammar``)
    "validate": bool,  # demote safe suggestions that add a grammar problem (default on)
    "backend": str,  # "harper" or "languagetool" (default: the first installed)
    "dialect": str,  # Harper: american, british, australian, canadian, indian
    "spelling": bool,  # include spelling problems (default off: names and jargon)
    "language": str,  # LanguageTool language code (default en-US)
    "languagetool-url": str,  # a LanguageTool server instead of the local one
    "allow-remote": bool,  # permit a languagetool-url that is not on this machine
}


class GrammarUnavailable(CommlintError):
    """A grammar backend is installed but cannot run (no Java, no server, refused URL)."""


Problem = dict[str, Any]

_CACHE_SIZE = 4096
_cache: OrderedDict[tuple[str, str], list[Problem] | None] = OrderedDict()
_state: dict[str, Any] = {"installed": None, "disabled": None}
# The LSP server lints from worker threads: the LRU bookkeeping must not interleave.
_cache_lock = _thread.allocate_lock()


def backend_installed() -> bool:
    """True when some plugin implements the grammar hook (looked up once per process)."""
    if _state["installed"] is None:
        from commlint.plugins import has_implementations

        _state["installed"] = has_implementations("commlint_grammar_check")
    return bool(_state["installed"])


def check(text: str, config: Config) -> list[Problem] | None:
    """Grammar problems in ``text`` (``start``/``end`` are offsets into it), or None.

    None means no backend can answer. A backend that fails is reported once on stderr
    and then left alone for the rest of the process (no traceback, no retry storm).
    """
    if not text.strip() or not backend_installed() or _state["disabled"]:
        return None
    key = (text, repr(sorted(config.grammar.items())))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    from commlint.plugin_errors import report
    from commlint.plugins import call_first

    try:
        # A backend that raises is skipped (the next one answers) and reported as CL901 on
        # the document being linted; unavailable and refused are answers, not failures.
        found, failures = call_first(
            "commlint_grammar_check", passthrough=(GrammarUnavailable, ConfigError), text=text, config=config
        )
        problems = None if found is None else [dict(p) for p in found]
    except GrammarUnavailable as exc:
        _disable(str(exc))
        return None
    except ConfigError:
        raise  # a refused server URL is the user's to fix, not a warning to scroll past
    except Exception as exc:  # an answer that is not a list of problems
        _disable(f"grammar backend failed: {type(exc).__name__}: {exc}")
        return None
    if failures:
        report(failures)
        return problems  # not cached: each document it fails on says so
    with _cache_lock:
        _cache[key] = problems
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return problems


def _disable(message: str) -> None:
    _state["disabled"] = message
    sys.stderr.write(f"commlint: warning: {message}; grammar checks are off for this run\n")


def reset() -> None:
    """Forget the cached backend state and results (tests, config reloads in the LSP)."""
    _state.update(installed=None, disabled=None)
    _cache.clear()


# -- demoting suggestions ------------------------------------------------------------------


#: what Harper and LanguageTool let through when a rewrite is dropped into a sentence
_DET = r"(?:a|an|the|our|your|their|its|this|that|these|those|my|his|her)"
_OWN_CHECKS: tuple[tuple[str, str, regex.Pattern[str]], ...] = (
    (
        "commlint:article-verb",
        "an article followed by a verb phrase",
        regex_cache.compile(
            r"\b(?:a|an|the)\s+(?:(?:is|are|was|were|be|been|can|cannot|could|will|would|should|must|does|did|has|have)"
            r"\b|(?:\w+ly\s+)?\w+(?:ed|en)\s+(?:to|against|by|from|not)\b)",
            regex.I,
        ),
    ),
    (
        "commlint:predicate-before-noun",
        "a predicate adjective phrase standing before a noun",
        regex_cache.compile(
            rf"\b{_DET}\s+(?:\w+ly\s+)?(?:\w+(?:ed|en|ble|ant|ent|ive|ous|ful|al|ic)|safe|secure|strong|immune)\s+"
            r"(?:against|to\s+be|to|from|by)\s+[\w-]+\s+(?!(?:and|or|but|for|to|of|in|on|at|by|with|from|as|than|that|"
            r"which|who|is|are|was|were|will|can)\b)[a-z][\w-]*(?=\s*[.,;:!?)]|\s*$|\s+(?:is|are|was|were|that|which|"
            r"for|with|in|on|of|and|or)\b)",
            regex.I,
        ),
    ),
    (
        "commlint:participle-subject",
        "a sentence whose subject is a participle phrase",
        regex_cache.compile(
            r"^[\W_]*(?:\w+ly\s+)?\w+(?:ed|en)\s+(?:to|against|by|for|from|with|not)\s[^,;:—–()]*?"
            r"\b(?:is|are|was|were|remains|has|have|will|can)\b",
            regex.I,
        ),
    ),
)


_ARTICLE_WORD = regex_cache.compile(r"\b(a|an)\s+[*_]*([\w-]+)", regex.I)


def own_problems(text: str) -> list[Problem]:
    """Problems of the kinds a rewrite brings and grammar checkers miss, as backend problems are."""
    found = [
        {"start": m.start(), "end": m.end(), "message": f"Reads badly: {what}", "rule": rule}
        for rule, what, pattern in _OWN_CHECKS
        for m in pattern.finditer(text)
    ]
    for m in _ARTICLE_WORD.finditer(text):
        if lazyimport.module("commlint.rules.suggest").article_for(m.group(2)) != m.group(1).lower():
            found.append(
                {
                    "start": m.start(),
                    "end": m.end(),
                    "message": "Reads badly: a/an before this word",
                    "rule": "commlint:a-an",
                }
            )
    return found


def review_suggestions(
    doc: Document,
    raw: Sequence[tuple[int, int, str, SuggestionSpec]],
    suggestions: tuple[Suggestion, ...],
    config: Config,
) -> tuple[Suggestion, ...]:
    """The suggestions, with each safe one demoted to unsafe if it adds a grammar problem.

    ``raw`` are the finding's (prose start, prose end, text, spec), parallel to ``suggestions``.
    commlint's own checks always run (they are cheap); the backend's when one is installed.
    """
    if not any(s.safe for s in suggestions) or not config.grammar.get("validate", True):
        return suggestions
    out = []
    for (ps, pe, _text, _spec), sug in zip(raw, suggestions, strict=True):
        if sug.safe:
            problem = introduced_problem(doc, ps, pe, sug, config)
            if problem is not None:
                sug = demoted(sug, problem)
        out.append(sug)
    return tuple(out)


def demoted(sug: Suggestion, problem: str) -> Suggestion:
    """``sug`` as an unsafe suggestion whose description says which problem it would add."""
    why = f"demoted to unsafe: the rewrite would add a grammar problem ({problem})"
    return replace(sug, safe=False, description=f"{sug.description} ({why})" if sug.description else why)


def sentence_pair(doc: Document, ps: int, pe: int, sug: Suggestion) -> tuple[str, str]:
    """The prose sentence(s) around an edit, before and after the suggestion is applied."""
    sentences = doc.sentences
    if not sentences:
        return doc.prose, doc.prose
    a = sentences[doc.sentence_index(ps)][0]
    b = max(sentences[doc.sentence_index(max(ps, pe - 1))][1], pe)
    # The edit may start before prose[ps] (a corrected "a"/"an"): walk back to its source start.
    k = ps
    while k > a and doc.start_of(k - 1) >= sug.start:
        k -= 1
    before = doc.prose[a:b]
    after = doc.prose[a:k] + sug.text + doc.prose[pe:b]
    return before, after


def introduced_problem(doc: Document, ps: int, pe: int, sug: Suggestion, config: Config) -> str | None:
    """A description of the first grammar problem the rewrite adds, or None.

    The installed backend's (Harper by default), then commlint's own checks for what backends miss.
    """
    before, after = sentence_pair(doc, ps, pe, sug)
    if backend_installed() and not _state["disabled"]:
        old = check(before, config)
        new = check(after, config) if old is not None else None
        if old is not None and new is not None:
            found = first_new(before, old, after, new)
            if found is not None:
                return found
    # Most rewrites leave the sentence with none of these problems: then none is new, whatever
    # the sentence had before.
    new_problems = own_problems(after)
    if not new_problems:
        return None
    return first_new(before, own_problems(before), after, new_problems)


def edit_problem(doc: Document, sug: Suggestion, config: Config) -> str | None:
    """The grammar problem an edit (in source offsets) adds to its sentence, or None."""
    ps = bisect_left(doc.starts, sug.start)
    pe = max(ps, bisect_left(doc.starts, sug.end))
    return introduced_problem(doc, ps, pe, sug, config)


def first_new(before: str, old: Iterable[Problem], after: str, new: Iterable[Problem]) -> str | None:
    """The first problem in ``new`` that ``old`` did not have, matched by rule and flagged text."""
    have = Counter(_key(before, p) for p in old)
    for p in new:
        k = _key(after, p)
        if have[k]:
            have[k] -= 1
            continue
        flagged = after[p["start"] : p["end"]]
        return f"{p.get('message', 'grammar problem')} [{p.get('rule', '?')}] at “{flagged}”"
    return None


def _key(text: str, p: Problem) -> tuple[str, str]:
    return str(p.get("rule", "")), text[p["start"] : p["end"]].lower()


# -- grammar findings ----------------------------------------------------------------------


class GrammarRule(Rule):
    """Grammar problems from the installed backend, as findings (off unless enabled)."""

    type = "grammar"
    id = "GRM001"
    name = "grammar"
    category = "grammar"
    severity = "info"
    message = "Grammar: {match}"
    rationale = (
        "Grammar slips in a public statement read as carelessness, and a rewrite that reads badly will not be accepted."
    )
    default_enabled = False

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        config = ctx.settings.get("config")
        if config is None:
            return
        problems = check(doc.prose, config) or []
        for p in problems:
            start, end = int(p["start"]), int(p["end"])
            if not 0 <= start < end <= len(doc.prose):
                continue
            reps = [r for r in p.get("replacements", []) if isinstance(r, str)][:3]
            edits = [
                (
                    start,
                    end,
                    r,
                    SuggestionSpec(text=r, safe=False, description=f"Grammar: use “{r}”"),
                )
                for r in reps
            ]
            yield Finding(
                start,
                end,
                message=f"{p.get('message', 'Grammar problem')} [{p.get('rule', '?')}]",
                suggestions=edits,
            )


def grammar_rules(config: Config) -> list[Rule]:
    """The grammar rule for this configuration; validates the ``[grammar]`` table."""
    where = f"{config.path or '<config>'}: grammar"
    for key, value in config.grammar.items():
        expected = GRAMMAR_KEYS.get(key)
        if expected is None:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(GRAMMAR_KEYS)})")
        if not isinstance(value, expected):
            raise ConfigError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    from commlint.install import pip_hint

    rule = GrammarRule()
    rule.default_enabled = bool(config.grammar.get("enabled", False))
    if rule.default_enabled and not backend_installed():
        raise ConfigError(
            f"{where}.enabled is true but no grammar backend is installed "
            f"({pip_hint(plugin='commlint-harper')}; or commlint-languagetool the same way)"
        )
    return [rule]
