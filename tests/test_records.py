"""Internal classes written as ``commlint.records`` records, not dataclasses (issue 15: each
dataclass costs ~0.3 ms of every cold start), behave as the dataclasses they replace: value
equality, hashing (frozen ones), ``Class(field=...)`` reprs, frozen fields, pickling."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from commlint.config import Config
from commlint.density.measure import DensitySettings, DocDensity, GroupTotals, Hit
from commlint.engine.fingerprints import Context
from commlint.engine.linter import Linter
from commlint.plugin_errors import PluginFailure
from commlint.rules.lexicon import Family, Lexicon, Name, Protect


def test_lexicons_of_a_linter_are_frozen_values() -> None:
    risk = Linter(Config.default()).lexicons["risk"]
    assert isinstance(risk, Lexicon) and risk.families and isinstance(risk.protect, Protect)
    copy = pickle.loads(pickle.dumps(risk))  # as ``check --jobs`` hands them to workers
    assert copy == risk and hash(copy) == hash(risk) and copy is not risk
    assert copy.fingerprint() == risk.fingerprint()
    assert repr(risk).startswith("Lexicon(name='risk', version=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        risk.name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del risk.families
    extended = risk.extended(["frobnicat\\w*"], "test")
    assert extended != risk and extended.version == risk.version + "+custom"
    assert extended.families[-1] == Family("custom", ("frobnicat\\w*",))
    assert {Name("Acme Safety"), Name("Acme Safety"), Name("Acme Safety", False)} == {
        Name("Acme Safety", True),
        Name(text="Acme Safety", ignore_case=False),
    }
    assert repr(Family("f", ("a",))) == "Family(name='f', terms=('a',), exclude=())"
    with pytest.raises(TypeError):
        risk.replace(colour="red")


def test_density_records() -> None:
    settings = DensitySettings.from_config(Config.default())
    assert settings == DensitySettings() and hash(settings) == hash(DensitySettings())
    assert settings.lexicon == "risk" and settings.target == "p90" and settings.min_words == 200
    doc = DocDensity("a.md", 10)
    assert (
        doc == DocDensity("a.md", 10, {}, {}, {}, None)
        and doc.families == {}
        and doc.families is not DocDensity("b", 1).families
    )
    with pytest.raises(TypeError):
        hash(doc)  # mutable, as a mutable dataclass
    doc.hits = []
    assert pickle.loads(pickle.dumps(doc)) == doc
    totals = GroupTotals.from_docs([DocDensity("a.md", 1000, {"risk": {"risk": 3}})], "risk", ["risk"])
    assert (totals.count, totals.rate) == (3, 3.0)
    hit = Hit(0, 4, "risk", "risk")
    assert hit.replace(protected_by="x") == Hit(0, 4, "risk", "risk", None, "x") != hit


def test_plugin_failures_and_contexts() -> None:
    failure = PluginFailure.from_exception("plugin 'x'", "commlint_rules", ValueError("boom"))
    assert failure == PluginFailure("plugin 'x'", "commlint_rules", "ValueError: boom")
    assert repr(failure) == (
        "PluginFailure(plugin=\"plugin 'x'\", hook='commlint_rules', error='ValueError: boom', "
        "consequence='its contribution was skipped')"
    )
    assert pickle.loads(pickle.dumps(failure)) == failure and len({failure, pickle.loads(pickle.dumps(failure))}) == 1
    config = dataclasses.replace(Config.default(), plugin_failures=(failure,))
    assert config == dataclasses.replace(Config.default(), plugin_failures=(failure,))
    context = Context(["a"], ["risk"], ["b"], "a risk b")
    assert context == Context(["a"], ["risk"], ["b"], "a risk b") and context.key() == "a\x1frisk\x1fb"


def test_a_record_subclass_with_fields_of_its_own_compares_and_copies_them_all() -> None:
    """Each class's ``__slots__`` lists only its own fields: equality, hash, repr and
    ``replace`` cover the base class's too."""

    from commlint.records import FrozenRecord, set_fields

    class Base(FrozenRecord):
        __slots__ = ("a",)

        def __init__(self, a: int) -> None:
            set_fields(self, a=a)

    class Both(Base):
        __slots__ = ("b",)

        def __init__(self, a: int, b: int) -> None:
            set_fields(self, a=a, b=b)

    one = Both(1, 2)
    assert one != Both(9, 2) and one != Both(1, 9) and one == Both(1, 2)
    assert hash(one) == hash(Both(1, 2)) and hash(one) != hash(Both(9, 2))
    assert repr(one).endswith("Both(a=1, b=2)")
    assert one.replace(a=3) == Both(3, 2)
    assert Base(1) == Base(1) and repr(Base(1)).endswith("Base(a=1)")
