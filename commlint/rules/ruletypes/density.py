"""density: a document's risk-term rate against the configured peer baseline (document scope).

The baseline comes from config ``baseline`` (or ``check --baseline``); the target point of
the peer distribution, the ratio and the minimum length from the ``[density]`` table. With
no baseline configured the rule stays quiet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from commlint.errors import ConfigError
from commlint.prose.document import Document
from commlint.rules.ruletypes.base import CheckContext, Finding, RuleEnv
from commlint.rules.ruletypes.data import DataRule


class DensityRule(DataRule):
    type = "density"
    KEYS = frozenset({"lexicon"})

    def __init__(self, spec: Mapping[str, Any], where: str) -> None:
        super().__init__(spec, where)
        self.scope = "document"
        lexicon = spec.get("lexicon")
        if lexicon is not None and not isinstance(lexicon, str):
            raise ConfigError(f"{where}: 'lexicon' must be a lexicon name")
        self.lexicon_name: str | None = lexicon
        self.baseline: Any = None
        self.counter: Any = None
        self.settings: Any = None
        self.warning: str | None = None

    def configure(self, options: Mapping[str, Any], env: RuleEnv) -> None:
        from commlint.density.measure import DensityCounter, DensitySettings

        self.check_option(options)
        config = env.settings.get("config")
        self.settings = DensitySettings.from_config(config)
        name = self.lexicon_name or self.settings.lexicon
        lexicons = env.settings.get("lexicons", {})
        if name not in lexicons:
            raise ConfigError(f"{self.where}: unknown lexicon {name!r}")
        self.lexicon = lexicons[name]
        self.counter = DensityCounter({name: self.lexicon})
        ref = getattr(config, "baseline", None)
        self.baseline = None
        if ref:  # without a baseline the rule stays quiet: its module is not even imported
            from commlint.density import baseline as baselines

            self.baseline = baselines.resolve(ref, config)
        self.warning = self.baseline.lexicon_warning(self.lexicon) if self.baseline is not None else None

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        from commlint.density.measure import compare, comparison_text, fmt_rate, top_terms

        if self.baseline is None or self.counter is None or doc.word_count < self.settings.min_words:
            return
        name = self.lexicon.name
        measured = self.counter.measure(doc.prose, doc.word_count, doc.path or "")
        cmp = compare(measured, name, self.baseline, self.settings, self.lexicon)
        # Quiet unless the comparison means something and there is advice to give: the
        # baseline counts the same terms, the rate is above the target even at the low end
        # of the document's own interval, and some occurrences can be rephrased.
        if not cmp["comparable"] or not cmp["above"] or cmp["covers_target"] or not cmp["budget"]:
            return
        count = measured.count(name)
        r = measured.rate(name)
        top = top_terms(measured.terms[name])
        goal = "the peer rate" if cmp["target"] == "peer rate" else f"the {cmp['target']}"
        if self.settings.ratio != 1:
            goal = f"{self.settings.ratio:g}× {goal}"
        if cmp["protected"]:
            pool = (
                f"{cmp['rephrasable']} rephrasable occurrences (the other {cmp['protected']} are mitigation "
                "or disclosure language and stay)"
            )
        else:
            pool = f"{count} occurrences"
        message = (
            f"{comparison_text(r, name, self.baseline, cmp)}. "
            f"Top terms: {', '.join(f'{t!r} ({n})' for t, n in top)}. "
            f"Density budget: rephrase {cmp['budget']} of {pool} to reach {goal} "
            f"({fmt_rate(cmp['target_rate'])} per 1,000 words)."
        )
        data = {
            "lexicon": name,
            "words": measured.words,
            "count": count,
            "rate": round(r, 6),
            "top_terms": [[t, n] for t, n in top],
            **cmp,
        }
        yield Finding(0, len(doc.prose), message=message, scope="document", data=data)
