"""The engine: builds a configuration's rules once, then lints documents with them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

from commlint import lazyimport, startup
from commlint.config import Config
from commlint.engine.cancel import checkpoint
from commlint.engine.diagnostics import Diagnostic
from commlint.engine.grammar import review_suggestions
from commlint.engine.result import LintResult
from commlint.errors import ConfigError, UsageError
from commlint.plugin_errors import PluginFailure, as_diagnostic, collecting, describe, report
from commlint.plugins import call_each_from, call_first, merged_tables_from, plugin_paths
from commlint.prose.document import Document
from commlint.prose.formats import format_for_path
from commlint.prose.suppress import parse_suppressions
from commlint.rules.lexicon import Lexicon, lexicon_files, load_lexicon, resolve_bases
from commlint.rules.packs import iter_rule_specs
from commlint.rules.ruletypes.base import CheckContext, Finding, Rule, RuleEnv, RuleTimeout, prepare_rules
from commlint.rules.suggest import make_suggestion
from commlint.source.decode import Source


def _log() -> Any:
    """commlint's logger (``logging`` is imported only when a rule fails: ~7 ms of a cold check)."""
    import logging

    return logging.getLogger("commlint")


BUILTIN = "plugin 'commlint.builtin'"


def configured_lexicons(cfg: Config) -> dict[str, Lexicon]:
    """The lexicons a configuration sees: built-ins and plugins, then its own paths and tables."""
    paths, failures = plugin_paths("commlint_lexicon_paths")
    report(failures)
    paths += [cfg.resolve(p) for p in cfg.lexicon_paths]
    lexicons = resolve_bases({name: load_lexicon(path) for name, path in lexicon_files(paths).items()})
    for name, table in cfg.lexicons.items():
        where = f"{cfg.path or '<config>'}: lexicons.{name}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = set(table) - {"path", "extend", "names"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if "path" in table:
            lexicons[name] = load_lexicon(cfg.resolve(table["path"]))
        if name not in lexicons:
            raise ConfigError(f"{where}: no lexicon named {name!r} (give a 'path')")
        if "extend" in table:
            lexicons[name] = lexicons[name].extended(list(table["extend"]), where)
        if "names" in table:
            lexicons[name] = lexicons[name].with_names(table["names"], where)
    return lexicons


def selector_matches(selector: str, rule: Rule) -> bool:
    """A selector names a rule by id prefix, exact name, category, or ALL."""
    return selector == "ALL" or rule.id.startswith(selector) or selector in (rule.name, rule.category)


class Linter:
    """A configuration's rules, built and compiled once. Reuse it across documents."""

    def __init__(self, config: Config) -> None:
        self.config = config
        #: who contributed each rule (by id(rule)), so a rule that fails names its plugin
        self._origin: dict[int, str] = {}
        # Plugins that failed while the configuration and its rules were built: reported
        # on every document linted with them (CL901), since none of them is to blame.
        with collecting() as failures:
            self.lexicons = configured_lexicons(config)
            self.all_rules = self._build_rules()
        self.plugin_failures: list[PluginFailure] = [*config.plugin_failures, *failures]
        self.rules = self._select(self.all_rules)
        env = RuleEnv(
            lexicons={name: lex.patterns() for name, lex in self.lexicons.items()},
            mitigations=list(config.mitigations),
            settings={"config": config, "lexicons": self.lexicons},
        )
        for rule in self.all_rules:
            options = config.rules.get(rule.id, config.rules.get(rule.name, {}))
            try:
                rule.configure(options, env)
            except ConfigError as exc:  # name the config file and the [rules.ID] table
                key = rule.id if rule.id in config.rules else rule.name
                raise ConfigError(f"{config.path or '<config>'}: rules.{key}: {exc}") from None
        self._accept = (
            regex.compile("|".join(rf"\b{regex.escape(t)}\b" for t in config.accept), regex.IGNORECASE)
            if config.accept
            else None
        )
        self._per_file = self._compile_per_file_ignores()
        prepare_rules(self.rules)

    # -- building -----------------------------------------------------------------------
    def _build_rules(self) -> list[Rule]:
        cfg = self.config
        types, failures = merged_tables_from("commlint_rule_types")
        report(failures)
        pack_paths, failures = plugin_paths("commlint_rule_packs")
        report(failures)
        pack_paths += [cfg.resolve(p) for p in cfg.packs]
        self.pack_paths: list[Path] = [Path(p) for p in pack_paths]  # for `commlint rules --check`
        rules: list[Rule] = []
        for pack, where, spec in iter_rule_specs(pack_paths):
            kind = spec.get("type", "phrase")
            if kind not in types:
                raise ConfigError(f"{where}: unknown rule type {kind!r} (known: {', '.join(sorted(types))})")
            plugin, cls = types[kind]
            try:
                rule = cls(spec, where)
            except ConfigError:
                raise
            except Exception as exc:  # the type's plugin is broken, not the pack
                report([PluginFailure.from_exception(plugin, f"rule type {kind!r} building {where}", exc)])
                continue
            rule.pack = pack
            self._origin[id(rule)] = plugin if plugin != BUILTIN else f"rule pack {pack!r}"
            rules.append(rule)
        answers, failures = call_each_from("commlint_rules", passthrough=(ConfigError,), config=cfg)
        report(failures)
        for plugin, group in answers:
            if not isinstance(group, (list, tuple)) or not all(isinstance(r, Rule) for r in group):
                report([PluginFailure(plugin, "commlint_rules", f"returned {group!r}, not a list of Rule instances")])
                continue
            self._origin.update({id(rule): plugin for rule in group})
            rules.extend(group)
        seen: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in seen:
                raise ConfigError(
                    f"rule id {rule.id} is defined twice (packs {seen[rule.id].pack!r} and {rule.pack!r})"
                )
            seen[rule.id] = rule
        return rules

    def _select(self, rules: list[Rule]) -> list[Rule]:
        cfg = self.config
        where = str(cfg.path or "<config>")
        for key, selectors in (
            ("select", cfg.select),
            ("ignore", cfg.ignore),
            ("extend-select", cfg.extend_select),
            ("severity", list(cfg.severity)),
            ("rules", list(cfg.rules)),
        ):
            for sel in selectors:
                if not any(selector_matches(sel, r) for r in rules):
                    if sel in cfg.cli_selectors:  # a bad flag fails the whole run, not one config's files
                        raise UsageError(f"command line: --{key}: unknown rule id or selector {sel!r}")
                    raise ConfigError(f"{where}: {key}: unknown rule id or selector {sel!r}")
        for globs in cfg.per_file_ignores.values():
            for sel in globs:
                if not any(selector_matches(sel, r) for r in rules):
                    raise ConfigError(f"{where}: per-file-ignores: unknown rule id or selector {sel!r}")
        chosen = []
        for rule in rules:
            if cfg.select:
                on = any(selector_matches(s, rule) for s in cfg.select)
            else:
                on = rule.default_enabled
            on = on or any(selector_matches(s, rule) for s in cfg.extend_select)
            if on and not any(selector_matches(s, rule) for s in cfg.ignore):
                chosen.append(rule)
            # Most specific selector wins: an exact id beats a prefix.
            for sel in sorted(cfg.severity, key=len):
                if selector_matches(sel, rule):
                    rule.severity = cfg.severity[sel]
        return chosen

    def _compile_per_file_ignores(self) -> list[tuple[Any, list[str]]]:
        if not self.config.per_file_ignores:
            return []
        from commlint.source.walk import gitignore_spec

        return [(gitignore_spec([glob]), rules) for glob, rules in self.config.per_file_ignores.items()]

    def rule(self, ident: str) -> Rule | None:
        return next((r for r in self.all_rules if ident in (r.id, r.name)), None)

    # -- linting ------------------------------------------------------------------------
    def document(self, source: Source, fmt: str | None = None) -> Document:
        """The prose view of ``source``; a format plugin that raises is reported (CL901)."""
        fmt = fmt or format_for_path(source.path)
        doc, failures = call_first("commlint_document_format", source=source, format=fmt)
        if not isinstance(doc, Document):
            failed = "".join(f"; {f.plugin} failed: {f.error}" for f in failures)
            raise ConfigError(f"{source.path or '<stdin>'}: no parser for format {fmt!r}{failed}")
        report(failures)
        return doc

    def lint(self, source: Source, fmt: str | None = None, *, suppress: bool = True) -> LintResult:
        """Lint ``source``. With ``suppress=False`` the findings on lines a directive silences
        are kept (the directives are parsed all the same, into ``extras["suppressions"]``), and
        learned findings yield to the pack findings that would be shown: silencing those
        findings, then ``drop_learned_duplicates``, gives what ``suppress=True`` gives. The
        editor lints blocks of a document alone this way and applies the directives of the
        whole current text itself."""
        with collecting() as failures:
            result = self._lint(source, fmt, suppress)
        # Not subject to suppressions or per-file-ignores: they are about a plugin, not the text.
        result.diagnostics[:0] = [as_diagnostic(f, source.path) for f in [*self.plugin_failures, *failures]]
        return result

    def _lint(self, source: Source, fmt: str | None, suppress: bool = True) -> LintResult:
        doc = self.document(source, fmt)
        style = {"markdown": "html", "mdx": "html", "html": "html", "rst": "rst"}.get(doc.format, "text")
        suppressions = parse_suppressions(source.text, source.line_starts, style, doc.meta.get("code", ()))  # type: ignore[arg-type]
        ignored = self._ignored_for(source.path)
        accepted = self._accepted_spans(doc)
        ctx = CheckContext(timeout=self.config.timeout, settings={"config": self.config})
        out: list[Diagnostic] = []
        kept: list[Diagnostic] = []  # suppress=False: every finding, silenced ones too
        for rule in self.rules:
            checkpoint()  # a lint no longer wanted stops here, never inside a rule
            if ignored and any(selector_matches(s, rule) for s in ignored):
                continue
            for diag in self._run_rule(rule, doc, ctx, accepted, out):
                if not suppressions.is_suppressed(diag.rule, diag.name, diag.line):
                    out.append(diag)
                if not suppress:
                    kept.append(diag)
        # Unsuppressed, a learned finding may yet yield to a pack finding: the caller drops it
        # once it has silenced what the directives silence.
        out = drop_learned_duplicates(out) if suppress else kept
        out.sort(key=lambda d: (d.start, d.end, d.rule))
        result = LintResult(source.path, source, doc, out, config=self.config)
        result.extras["suppressions"] = suppressions
        return result

    def _run_rule(
        self,
        rule: Rule,
        doc: Document,
        ctx: CheckContext,
        accepted: list[tuple[int, int]],
        so_far: Sequence[Diagnostic] = (),
    ) -> Iterable[Diagnostic]:
        try:
            ctx.begin(doc)  # each rule gets the whole budget
            findings = list(rule.check(doc, ctx))
        except RuleTimeout:
            # Fail closed: the rule's findings on this document are unknown, so this is an error
            # whatever the fail level, never a skipped warning that lets the check pass.
            yield self._internal(
                doc,
                "CL900",
                "rule-timeout",
                f"rule {rule.id} ({rule.name}) timed out after {ctx.budget:g}s on this document, so its findings "
                "are missing and the check fails; simplify its patterns or raise `timeout`",
                severity="error",
            )
            return
        except Exception as exc:  # a broken plugin rule must not take the run down
            _log().debug("rule %s failed", rule.id, exc_info=True)  # the traceback, for --log-level debug
            yield self._rule_failure(rule, doc, describe(exc), "the rule was skipped on this document")
            return
        for finding in findings:
            problem = _span_problem(finding, len(doc.prose))
            if problem:
                yield self._rule_failure(rule, doc, problem, "the finding was dropped")
                continue
            # An accepted term (a product name) is not a reason to skip a whole learned sentence.
            learned = isinstance(finding.data, dict) and finding.data.get("layer") == "semantic"
            if finding.scope == "span" and accepted and not learned and _overlaps(finding, accepted):
                continue
            # A learned sentence a pack finding already covers is dropped at the end anyway
            # (drop_learned_duplicates): skip its mention check and diagnostic now.
            if (
                learned
                and so_far
                and _covered_by_pack(*doc.source_span(finding.start, finding.end), rule.category, so_far)
            ):
                continue
            if finding.scope == "span" and rule.category not in NOT_CLAIMS and _is_mention(doc, finding):
                continue
            try:
                yield self.to_diagnostic(rule, doc, finding)
            except Exception as exc:  # a bad suggestion span or message template
                _log().debug("rule %s: bad finding", rule.id, exc_info=True)
                yield self._rule_failure(rule, doc, describe(exc), "the finding was dropped")

    def _rule_failure(self, rule: Rule, doc: Document, error: str, consequence: str) -> Diagnostic:
        """CL901 for a rule that raised or returned a bad finding, naming the plugin it came from."""
        who = self._origin.get(id(rule)) or f"rule pack {rule.pack!r}"
        failure = PluginFailure(who, f"the check of rule {rule.id} ({rule.name})", error, consequence)
        return as_diagnostic(failure, doc.source.path)

    def to_diagnostic(self, rule: Rule, doc: Document, finding: Finding) -> Diagnostic:
        source = doc.source
        # what the finding's suggestions share (rules.suggest.make_suggestion): where its span
        # stands, its source span
        shared: dict[Any, Any] = {}
        if finding.scope == "document":
            start, end = 0, 0
            # No span of its own: it points at the document's first sentence (start = end = 0).
            line, col, end_line, end_col = _first_sentence(doc)
        else:
            start, end = shared["source", finding.start, finding.end] = doc.source_span(finding.start, finding.end)
            line, col = source.position(start)
            end_line, end_col = source.position(end)
        suggestions = tuple(make_suggestion(doc, s, e, text, spec, shared) for s, e, text, spec in finding.suggestions)
        suggestions = review_suggestions(doc, finding.suggestions, suggestions, self.config)
        matched = source.text[start:end]
        message = finding.message or rule.message
        if "{match}" in message:
            message = message.replace("{match}", " ".join(doc.prose[finding.start : finding.end].split()))
        return Diagnostic(
            rule=rule.id,
            name=rule.name,
            category=rule.category,
            severity=rule.severity,
            scope=finding.scope,
            message=message,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            start=start,
            end=end,
            suggestions=suggestions,
            path=source.path,
            text=matched,
            data=finding.data,
        )

    def _internal(self, doc: Document, ident: str, name: str, message: str, severity: str = "warning") -> Diagnostic:
        return Diagnostic.internal(ident, name, message, doc.source.path, severity)

    def _ignored_for(self, path: str | None) -> list[str]:
        if not path or not self._per_file:
            return []
        try:
            rel = Path(path).resolve().relative_to(self.config.root).as_posix()
        except ValueError:
            rel = Path(path).as_posix()
        return [r for spec, rules in self._per_file if spec.match_file(rel) for r in rules]

    def _accepted_spans(self, doc: Document) -> list[tuple[int, int]]:
        if self._accept is None:
            return []
        return [m.span() for m in self._accept.finditer(doc.prose)]

    @cached_property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]


def _first_sentence(doc: Document) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of the first sentence with a word in it; 1:1 when none."""
    for a, b in doc.sentences:
        if any(ch.isalnum() for ch in doc.prose[a:b]):
            start, end = doc.source_span(a, b)
            return (*doc.source.position(start), *doc.source.position(end))
    return 1, 1, 1, 1


def _span_problem(finding: Finding, length: int) -> str | None:
    """Why a finding's span cannot be mapped to the source, or None when it can."""
    start, end = finding.start, finding.end
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        return f"returned a finding with a non-integer span ({start!r}, {end!r})"
    if finding.scope == "document":
        return None
    if not 0 <= start <= end <= length:
        return f"returned a finding with an invalid span ({start}, {end}) for a prose view of {length} characters"
    return None


#: categories whose findings are about wording, not a claim the company makes
NOT_CLAIMS = frozenset({"style", "grammar", "spelling", "readability", "density", "internal"})


def _is_mention(doc: Document, finding: Finding) -> bool:
    """True when the finding sits in a question, denial, retraction or answered report."""
    mentions = lazyimport.module("commlint.prose.mentions")
    sentences = doc.sentences
    if not sentences:
        return False
    i = doc.sentence_index(finding.start)
    sentence = sentences[i]
    if not sentence[0] <= finding.start < sentence[1]:
        return False
    # One reading per sentence, shared by every finding in it (linear in the document).
    facts = mentions.facts_at(doc, i)
    data = finding.data if isinstance(finding.data, dict) else {}
    if data.get("layer") == "semantic":
        return mentions.reason_for_sentence(facts) is not None
    start, end = finding.start - sentence[0], min(finding.end, sentence[1]) - sentence[0]
    return mentions.reason_for_span(facts, start, end) is not None


def drop_learned_duplicates(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A learned sentence finding yields to a pack finding on the same sentence (narrower, fixable)
    of its own category, or of any risk category at warning or above; an ``info`` pack finding
    of another category does not hide it."""
    learned = [d for d in diagnostics if d.data.get("layer") == "semantic"]
    if not learned:
        return diagnostics
    drop = {id(d) for d in learned if _covered_by_pack(d.start, d.end, d.category, diagnostics)}
    return [d for d in diagnostics if id(d) not in drop]


def _covered_by_pack(start: int, end: int, category: str, diagnostics: Sequence[Diagnostic]) -> bool:
    """A pack finding (a claim, not style) overlaps source span [start, end), of ``category`` or
    at warning or above: a learned finding there would say the same thing twice."""
    return any(
        d.start < end
        and start < d.end
        and d.scope == "span"
        and d.category not in NOT_CLAIMS
        and d.data.get("layer") != "semantic"
        and (d.category == category or d.severity in ("warning", "error"))
        for d in diagnostics
    )


def _overlaps(finding: Finding, spans: list[tuple[int, int]]) -> bool:
    return any(s < finding.end and finding.start < e for s, e in spans)


_LINTERS: dict[str, Linter] = {}


def linter_for(config: Config) -> Linter:
    """A cached Linter per configuration (build once per process)."""
    key = config.cache_key()
    linter = _LINTERS.get(key)
    if linter is None:
        linter = _LINTERS[key] = Linter(config)
        startup.resume()  # the start-up heap is built: the collector is back (see commlint.startup)
    return linter
