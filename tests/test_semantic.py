"""The learned sentence layer through the real interfaces: CLI, Python API and config.

Sentences here are written for these tests about invented companies; none is training data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from commlint.api import lint_text
from commlint.semantic.rules import CATEGORIES

# Claims no pack pattern names (each checked below to be found by the learned layer alone).
CAPABILITY = (
    "Working intrusion code for four previously unknown memory flaws in a widely deployed mail "
    "server was written by the Ostrava-2 agent without any human help."
)
NATSEC = "Whichever country fields the largest fleets of Ostrava agents will dictate terms to the rest of the century."


def learned(text: str, **config: object) -> list[tuple[str, int, int, int, int]]:
    cfg = {"select": ["ALL"], **config}
    return [
        (d.rule, d.line, d.column, d.end_line, d.end_column)
        for d in lint_text(text, path="draft.md", config=cfg)
        if d.data.get("layer") == "semantic"
    ]


def test_a_claim_without_trigger_words_is_a_sentence_finding_with_exact_span() -> None:
    text = f"# Launch\n\nThe team shipped it on Monday. {CAPABILITY}\n"
    found = learned(text)
    start = len("The team shipped it on Monday. ") + 1
    assert found == [("CAP901", 3, start, 3, start + len(CAPABILITY))]


def test_json_carries_confidence_and_the_categorys_suggestion(tmp_path: Path, cli) -> None:
    (tmp_path / "draft.md").write_text(NATSEC + "\n", encoding="utf-8")
    proc = cli("check", "--format", "json", str(tmp_path / "draft.md"))
    assert proc.returncode == 1, proc.stderr
    diags = json.loads(proc.stdout)["files"][0]["diagnostics"]
    (d,) = [d for d in diags if d["rule"] == "NSC901"]
    assert 0.0 < d["confidence"] <= 1.0 and d["data"]["confidence"] == d["confidence"]
    assert d["category"] == "national-security" and "confidence" in d["message"]
    assert d["suggestions"] and d["suggestions"][0]["safe"] is False


def test_no_semantic_flag_and_config_key_turn_the_layer_off(tmp_path: Path, cli) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(NATSEC + "\n", encoding="utf-8")
    assert cli("check", str(draft)).returncode == 1
    proc = cli("check", "--no-semantic", str(draft))
    assert proc.returncode == 0 and "NSC901" not in proc.stdout, proc.stdout
    (tmp_path / "commlint.toml").write_text("semantic = false\n", encoding="utf-8")
    assert cli("check", str(draft)).returncode == 0


def test_per_category_threshold_is_a_rule_option() -> None:
    assert [r for r, *_ in learned(NATSEC)] == ["NSC901"]
    assert learned(NATSEC, rules={"NSC901": {"threshold": 1.0}}) == []


def test_a_bad_threshold_is_a_config_error(tmp_path: Path, cli) -> None:
    (tmp_path / "commlint.toml").write_text("[rules.NSC901]\nthreshold = 3\n", encoding="utf-8")
    (tmp_path / "d.md").write_text("Hello.\n", encoding="utf-8")
    proc = cli("check", str(tmp_path / "d.md"))
    assert proc.returncode == 2 and "threshold" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_pack_finding_on_the_same_sentence_wins() -> None:
    text = "Our vault is totally unhackable, and whichever nation owns the most vaults will rule the century.\n"
    rules = [d.rule for d in lint_text(text, path="d.md", config={"select": ["ALL"]})]
    assert any(r.startswith("ABS1") for r in rules), rules
    assert not any(r.endswith("901") for r in rules), rules


@pytest.mark.parametrize(
    "text",
    [
        # a denial
        f"We do not claim that {CAPABILITY[0].lower()}{CAPABILITY[1:]}",
        # a question
        "Will whichever country fields the largest fleets of Ostrava agents dictate terms to the century?",
        # a retraction in the same sentence
        f"An earlier version of this post said that {NATSEC[0].lower()}{NATSEC[1:-1]}; that was wrong.",
        # reported speech, then answered
        f"Critics have claimed that {NATSEC[0].lower()}{NATSEC[1:-1]}, but our own analysis does not match that.",
    ],
)
def test_mentions_are_not_claims(text: str) -> None:
    assert learned(text + "\n") == []


def test_a_retraction_in_the_next_sentence_covers_the_claim_before_it() -> None:
    text = f"Our launch post said: {NATSEC} That was wrong, and we withdraw it.\n"
    assert learned(text) == []


def test_pack_findings_are_dropped_in_mentions_too() -> None:
    claim = lint_text("Our vault is totally unhackable.\n", path="d.md", config={"select": ["ALL"]})
    assert any(d.rule.startswith("ABS") for d in claim)
    for mention in (
        "We do not claim our vault is totally unhackable.\n",
        "Is our vault totally unhackable?\n",
        "Critics said our vault was “totally unhackable”; that is not what we said.\n",
    ):
        rules = [d.rule for d in lint_text(mention, path="d.md", config={"select": ["ALL"]}) if d.category != "style"]
        assert not any(r.startswith("ABS") for r in rules), (mention, rules)


def test_an_executive_quote_stays_a_claim() -> None:
    text = f'"{NATSEC}" said Mara Quist, chief executive of Ostrava Labs.\n'
    assert [r for r, *_ in learned(text)] == ["NSC901"]


def test_results_are_deterministic(tmp_path: Path, cli) -> None:
    draft = tmp_path / "d.md"
    draft.write_text(f"{CAPABILITY}\n\n{NATSEC}\n", encoding="utf-8")
    first, second = (cli("check", "--format", "json", str(draft)).stdout for _ in range(2))
    assert first == second and "CAP901" in first


def test_the_model_loads_and_scores_with_sockets_disabled(tmp_path: Path) -> None:
    draft = tmp_path / "d.md"
    draft.write_text(CAPABILITY + "\n", encoding="utf-8")
    script = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n    raise RuntimeError('a socket was opened')\n"
        "socket.socket = refuse\nsocket.create_connection = refuse\n"
        "from commlint.cli import main\n"
        f"sys.exit(main(['check', '--format', 'json', {str(draft)!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "CAP901" in proc.stdout and "socket" not in proc.stderr


def test_every_category_has_a_documented_rule(cli) -> None:
    for cat in CATEGORIES:
        proc = cli("rule", cat.id)
        assert proc.returncode == 0 and cat.what in proc.stdout, proc.stdout


def test_a_tampered_model_table_is_an_error_not_a_silent_change(tmp_path: Path) -> None:
    from commlint.errors import ConfigError
    from commlint.semantic.model import load_model, model_dir

    for name in ("model.json", "model.bin"):
        (tmp_path / name).write_bytes((model_dir() / name).read_bytes())
    blob = bytearray((tmp_path / "model.bin").read_bytes())
    blob[-3] ^= 0xFF
    (tmp_path / "model.bin").write_bytes(bytes(blob))
    with pytest.raises(ConfigError, match="checksum"):
        load_model(str(tmp_path))


@pytest.mark.parametrize("damage", ["cut short", "empty", "one byte changed in the middle"])
def test_a_damaged_model_table_is_an_error(tmp_path: Path, damage: str) -> None:
    from commlint.errors import ConfigError
    from commlint.semantic.model import load_model, model_dir

    for name in ("model.json", "model.bin"):
        (tmp_path / name).write_bytes((model_dir() / name).read_bytes())
    blob = bytearray((tmp_path / "model.bin").read_bytes())
    if damage == "cut short":
        blob = blob[:-4096]
    elif damage == "empty":
        blob = bytearray()
    else:
        blob[len(blob) // 2] ^= 0x01
    (tmp_path / "model.bin").write_bytes(bytes(blob))
    with pytest.raises(ConfigError, match="model.bin: checksum"):
        load_model(str(tmp_path))


def test_the_model_records_both_checksums_of_its_tables() -> None:
    import hashlib
    import zlib

    from commlint.semantic.model import model_dir

    meta = json.loads((model_dir() / "model.json").read_text(encoding="utf-8"))
    blob = (model_dir() / "model.bin").read_bytes()
    assert meta["tables_crc32"] == zlib.crc32(blob)
    assert meta["tables_sha256"] == hashlib.sha256(blob).hexdigest()


@pytest.mark.parametrize(
    "claim",
    [
        "Unlike others who claim to be secure, our vault actually is totally unhackable.",
        "Some of our customers say our vault is totally unhackable, and in fact it is.",
        "We don't say it lightly: our vault is totally unhackable.",
        "Update: our vault is now totally unhackable.",
        "Our vault is totally unhackable. This is not true of any rival vault.",
        "Did you know our vault is totally unhackable?",
        "No other vault is totally unhackable like ours.",
    ],
)
def test_claims_that_look_like_mentions_stay_claims(claim: str) -> None:
    rules = [d.rule for d in lint_text(claim + "\n", path="d.md", config={"semantic": False})]
    assert "ABS102" in rules, (claim, rules)


@pytest.mark.slow  # one of the suite's slowest (README: the test command stays short; CI runs it)
def test_mention_checks_stay_linear_on_one_huge_sentence() -> None:
    from commlint.prose import mentions

    calls = {"n": 0}
    real = mentions.sentence_facts

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return real(*args, **kwargs)

    text = "Our vault is totally unhackable and our vault is totally unhackable " * 300 + ".\n"
    import commlint.engine.linter

    try:
        mentions.sentence_facts = counting
        found = lint_text(text, path="d.md", config={"semantic": False, "select": ["ABS102"]})
    finally:
        mentions.sentence_facts = real
    assert len(found) == 600 and calls["n"] == 1  # one reading of the sentence for 600 findings
    assert commlint.engine.linter  # imported for the patch to take effect in the engine's lazy import


def test_an_accepted_product_name_does_not_hide_a_learned_sentence() -> None:
    assert [r for r, *_ in learned(NATSEC, accept=["Ostrava"])] == ["NSC901"]


def test_short_sentences_and_titles_need_more_confidence() -> None:
    from commlint.semantic.model import load_model
    from commlint.semantic.rules import TITLE_BAR

    weak = "Our input to the national AI strategy consultation"
    strong = "Why national compute reserves matter for the next decade of research"
    model = load_model()
    assert 0.5 < model.score(weak).confidence < TITLE_BAR < model.score(strong).confidence
    options = {"rules": {"NSC901": {"threshold": 0.5}}}
    # the threshold alone would flag the weak title; the title bar holds it back
    assert learned(f"## {weak}\n\nPlain words follow here.\n", **options) == []
    assert [r for r, *_ in learned(f"## {strong}\n\nPlain words follow here.\n", **options)] == ["NSC901"]


def _reference_logits(model, text: str) -> list[float]:
    """The model's formula computed the plain way: every row decoded to floats, then summed."""
    from commlint.semantic import model as m
    from commlint.semantic.pieces import grams, tokens

    k = model._k

    def row(offset: int, size: int, lane_bytes: int) -> list[float]:
        packed = int.from_bytes(model._blob[offset : offset + size], "little", signed=True)
        bits, lanes = 8 * lane_bytes, []
        for _ in range(size // lane_bytes):  # lowest lane first; a negative lane borrows from the next
            v = packed & ((1 << bits) - 1)
            v -= (1 << bits) if v >> (bits - 1) else 0
            lanes.append(v / m.SCALE)
            packed = (packed - v) >> bits
        return lanes

    pieces = [i for t in tokens(text) for i in model.vocab.segment(t)]
    piece_rows = [row(model._p_off + i * model._p_size, model._p_size, m.PIECE_LANE_BYTES)[:k] for i in pieces]

    def gram_id(gram: str) -> int | None:  # a bigram is found by its two unigrams' ids
        if " " not in gram:
            return model._unigram_ids.mapping().get(gram)
        first, second = (model._unigram_ids.mapping().get(w) for w in gram.split(" "))
        return (
            None if first is None or second is None else model._bigram_ids.mapping().get(first * model._base + second)
        )

    ids = [gram_id(g) for g in grams(text)]
    gram_rows = [row(model._g_off + i * model._g_size, model._g_size, m.GRAM_LANE_BYTES) for i in ids if i is not None]
    out = list(model.bias)
    for c in range(k):
        out[c] += sum(r[c] for r in gram_rows) + sum(r[c] for r in piece_rows) / len(pieces)
    return out


@pytest.mark.parametrize(
    "text",
    [
        CAPABILITY,
        NATSEC,
        "Ünïcödé wörds, l'été’s café — 100% sûr! $5m, €3 and £4? Es ist völlig sicher.",
        # a paste far over the chunk size: summed in chunks, never a lane overflow
        " ".join(["zqxv-" + str(i) + " catastrophic unhackable" for i in range(1500)]),
        "x" * 200 + " " + "ꙮ" * 70,
    ],
)
def test_packed_integer_sums_match_the_plain_formula(text: str) -> None:
    from commlint.semantic.model import load_model

    model = load_model()
    model.clear_caches()
    got = model.logits(text)
    want = _reference_logits(model, text)
    assert got == pytest.approx(want, abs=1e-9)
    # and the same again from the caches, and with other texts scored in the same pass
    assert model.logits_many([["A", "plain", "sentence."], text.split(), []])[1] == pytest.approx(want, abs=1e-9)


def test_the_word_table_holds_the_rows_the_tables_give() -> None:
    """Each stored word row is exactly its pieces' rows summed plus its unigram's row."""
    from commlint.semantic.model import load_model

    model = load_model()
    words = list(model._word_ids.keys)
    assert len(words) > 5000
    model.clear_caches()
    computed = model.token_rows(words)
    stored = model._read(list(range(len(words))), model._w_size, model._w_off, signed=False)
    assert [r - model._w_half for r in stored] == computed
    assert list(model._word_unigram) == model.unigram_ids(words)


def test_a_long_lived_process_decodes_the_word_table_once_and_scores_the_same() -> None:
    """After enough rows read one by one, the whole word table is decoded; the scores do not change."""
    from commlint.semantic.model import DECODE_AFTER, TableModel, model_dir

    folder = model_dir()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    model = TableModel(meta, (folder / "model.bin").read_bytes())  # a model of its own, not the cached one
    texts = [s.split() for s in _TEXTS_FOR_DECODE]
    before = model.logits_many(texts)
    assert model._word_rows is None
    words = list(model._word_ids.keys)
    step = 500
    for i in range(0, int(DECODE_AFTER * len(words)) + step, step):  # rows read one by one, as fresh documents do
        model.clear_caches()
        model.logits_many([words[i : i + step]])
    assert model._word_rows is not None
    model.clear_caches()
    assert model.logits_many(texts) == before
    assert model._word_rows is not None  # model data, not a cache: clear_caches keeps it


def test_every_table_decoded_scores_the_same_and_survives_clearing() -> None:
    """``prepare`` decodes the word, piece and n-gram tables whole; no score moves, and clearing
    the caches of text seen keeps them (model data), as the ski-rental decodes do."""
    from commlint.semantic.model import DECODE_AFTER, TableModel, model_dir

    folder = model_dir()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    texts = [s.split() for s in _TEXTS_FOR_DECODE] + [["Zqxvian", "hyper-overclocked", "naïveté’s", "100%"], []]
    row_by_row = TableModel(meta, (folder / "model.bin").read_bytes())
    before = row_by_row.logits_many(texts)
    assert row_by_row._pair_rows is None and not row_by_row._pieces_decoded
    model = TableModel(meta, (folder / "model.bin").read_bytes())
    model.prepare()
    assert model._pair_rows is not None and model._pieces_decoded and model._word_rows is not None
    assert model.logits_many(texts) == before
    model.clear_caches()
    assert model._pair_rows is not None and model._pieces_decoded and model._word_rows is not None
    assert model.logits_many(texts) == before
    # the n-gram table's own ski rental: enough distinct n-gram rows read one by one decode it
    renting = TableModel(meta, (folder / "model.bin").read_bytes())
    ids = list(range(renting.NO_GRAM))
    step = 2000
    for i in range(0, int(DECODE_AFTER * len(ids)) + step, step):
        renting.clear_caches()
        renting._gram_rows(ids[i : i + step])
    assert renting._pair_rows is not None
    assert renting.logits_many(texts) == before


_TEXTS_FOR_DECODE = (
    "The Kestrel assistant found and exploited a flaw in every test server within an hour.",
    "Our release notes list what changed, how we tested it, and what we fixed before launch.",
    "Brannock Analytics said its tool catches every fraud, always, whatever the market does.",
)


def test_the_commas_of_a_list_of_code_spans_are_not_words() -> None:
    """A sentence that is mostly code spans has too few words to score, however many commas it has."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.semantic.rules import sentence_scores
    from commlint.source.decode import decode

    spans = ", ".join(f"`Widget#{name}`" for name in ("size", "fold", "merge", "split", "clone", "freeze", "thaw"))
    listed = f"{spans}, and `Widget#===` are specially optimised."
    prose_sentence = "The Tallis scheduler now runs every nightly job in about half the time it took last year."
    result = Linter(Config.default()).lint(decode(f"{listed}\n\n{prose_sentence}\n".encode(), "notes.md"))
    scored = [result.document.prose[s:e] for s, e, _ in sentence_scores(result.document)]
    assert scored == [prose_sentence]


def test_the_key_lists_are_sorted_so_bisection_finds_what_a_dict_would() -> None:
    """The model stores its pieces, unigrams, words and bigram keys sorted; a look-up bisects
    them until it has paid for a dict, then builds one; both give the same answers."""
    from commlint.semantic.lookup import SortedLookup
    from commlint.semantic.model import TableModel, model_dir

    folder = model_dir()
    model = TableModel(
        json.loads((folder / "model.json").read_text(encoding="utf-8")), (folder / "model.bin").read_bytes()
    )
    for lookup in (model.vocab._lookup, model._unigram_ids, model._word_ids, model._bigram_ids):
        stored = list(lookup.keys)
        assert stored == sorted(stored) and len(set(stored)) == len(stored)  # type: ignore[type-var]
    keys = sorted(f"w{i:03d}" for i in range(200))
    words = SortedLookup(keys, [len(k) * i for i, k in enumerate(keys)])
    asked = ["w007", "fig", "w099", "zzz", "w000", ""]
    want = [28, -1, 396, -1, 0, -1]
    assert words.get_many(asked, -1) == want  # by bisection: within its budget (10 look-ups)
    assert words._dict is None
    assert words.get_many(asked * 10, -1) == want * 10  # over budget: the dict
    assert words._dict is not None and len(words._dict) == 200
    assert words.find("fig") is None and words.getter(1)("w099") == 396


def test_lazy_lines_read_one_line_as_the_split_list_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The piece and unigram lists stay bytes, read a line at a time by their offsets, until
    enough probes have paid for splitting them; the answers are those of the split list."""
    from commlint.semantic import lookup
    from commlint.semantic.lookup import LazyLines, SortedLookup
    from commlint.semantic.model import load_model
    from commlint.semantic.train import line_offsets

    lines = sorted({"", "a", "ab", "b\u00e9", "\u2581word", "zz", "\U0001f30d", "q" * 40})
    text = "\n".join(lines).encode("utf-8")
    offsets = array("i", line_offsets(text, len(lines)))
    lazy = LazyLines(b"head" + text + b"tail", 4, offsets)
    assert len(lazy) == len(lines) and [lazy[i] for i in range(len(lines))] == lines == lazy.tolist()
    assert list(LazyLines(b"", 0, array("i", line_offsets(b"", 0)))) == []
    monkeypatch.setattr(lookup, "SPLIT_AFTER", 20)
    monkeypatch.setattr(lookup, "BUILD_AFTER", 100.0)  # bisect throughout: no dict
    found = SortedLookup(LazyLines(text, 0, offsets), range(len(lines)))
    asked = [*lines, "aa", "zzz", "0"]
    want = [*range(len(lines)), -1, -1, -1]
    assert found.get_many(asked, -1) == want and type(found.keys) is LazyLines
    assert found.get_many(asked, -1) == want and type(found.keys) is list  # split once paid for
    model = load_model()
    for stored in (model.vocab._lookup.keys, model._unigram_ids.keys):
        assert type(stored) in (LazyLines, list)
        whole = list(stored)
        assert len(whole) == len(stored) and all(stored[i] == whole[i] for i in range(0, len(whole), 97))


def test_a_one_file_check_of_a_press_release_builds_no_lookup_dict() -> None:
    """The cold-start saving holds for a typical draft: a 1,000-word release is checked with every
    key list bisected; a token pair seen before is not looked up again."""
    from commlint.api import lint_text
    from commlint.semantic.model import load_model

    release = " ".join(
        f"Brannock {i} said the Tallis-{i} scheduler cut nightly run times for {i * 7} customers in region {i % 5}, "
        f"and engineers reviewed each of the {i + 3} changes before rollout."
        for i in range(40)
    )
    assert 950 <= len(release.split()) <= 1100
    load_model.cache_clear()
    try:
        lint_text(release, path="release.md")
        model = load_model()
        lookups = (model.vocab._lookup, model._unigram_ids, model._word_ids, model._bigram_ids)
        assert all(lookup._dict is None for lookup in lookups)
        budget = model._bigram_ids._budget
        lint_text(release, path="again.md")  # the same pairs: none bisected again
        assert model._bigram_ids._budget == budget
        edited = release.replace("cut nightly run times", "reduced weekly batch delays")
        lint_text(edited, path="other.md")  # only the new pairs
        assert budget - 200 < model._bigram_ids._budget < budget
    finally:
        load_model.cache_clear()


def test_words_and_pairs_of_words_remembered_score_as_token_by_token() -> None:
    """A process's first texts are summed token by token; from the second call on, by each word's
    remembered row and each pair of neighbouring words' (``TableModel._packed_sums``). Every path,
    in any batching or order, gives the logits a fresh model gives each text alone."""
    from commlint.semantic.model import PAIRED_TOKENS, PAIRED_WORDS, TableModel, model_dir

    folder = model_dir()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    blob = (folder / "model.bin").read_bytes()
    many_tokens = ",".join(str(i) for i in range(PAIRED_TOKENS + 2))  # one word of many tokens
    texts = [s.split() for s in _TEXTS_FOR_DECODE] + [
        ["Zqxvian", "—", "hyper-overclocked", "naïveté’s", "100%", "U.S.", "", "$5m,", "safe"],
        ["—", "the", "—", "model", "—"],
        [],
        ["—", ""],
        [many_tokens, "catastrophic", many_tokens, "unhackable"],
        ("every word here is plain and safe " * (PAIRED_WORDS // 7 + 2)).split(),
        ("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 absolutely " * 80).split(),  # over CHUNK tokens
    ]
    want = [TableModel(meta, blob).logits_many([t])[0] for t in texts]
    model = TableModel(meta, blob)
    for _ in range(3):  # token by token, then words learned, then pairs of words remembered
        assert model.logits_many(texts) == want
    assert model._adjacent and model._summed
    assert model.logits_many(texts[::-1]) == want[::-1]
    assert [model.logits_many([t])[0] for t in texts] == want
    # the same words in new pairs: some texts from pairs remembered, others word by word
    shuffled = [t[1:] + t[:1] for t in texts]
    assert model.logits_many(shuffled + texts) == [TableModel(meta, blob).logits_many([t])[0] for t in shuffled] + want
    model.clear_caches()
    assert not model._adjacent and not model._summed
    assert model.logits_many(texts) == want


def test_a_long_lived_linter_finds_what_fresh_ones_do() -> None:
    """Drafts linted one after another in one process (words and pairs remembered) get the
    learned findings each gets in a process of its own."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.engine.result import LintResult
    from commlint.semantic.model import load_model
    from commlint.source.decode import decode

    drafts = [
        f"# Launch\n\nThe team shipped it on Monday. {CAPABILITY}\n\n{NATSEC} It ships — today.\n",
        f"{NATSEC}\n\nThe team shipped it on Monday, and {CAPABILITY[0].lower()}{CAPABILITY[1:]}\n",
        f"# Launch\n\n{CAPABILITY} The team shipped it on Monday.\n",
    ]

    def semantic(result: LintResult) -> list[tuple[str, int, int, object]]:
        return [
            (d.rule, d.line, d.column, d.data.get("confidence"))
            for d in result.diagnostics
            if d.data.get("layer") == "semantic"
        ]

    fresh = []
    for i, text in enumerate(drafts):
        load_model().clear_caches()
        fresh.append(semantic(Linter(Config.default()).lint(decode(text.encode(), f"d{i}.md"))))
    assert any(fresh)
    load_model().clear_caches()
    linter = Linter(Config.default())
    for _ in range(3):
        assert [semantic(linter.lint(decode(t.encode(), f"d{i}.md"))) for i, t in enumerate(drafts)] == fresh
    assert load_model()._adjacent


def test_sentences_below_every_rules_floor_are_not_scored() -> None:
    """With a floor, a sentence is left out only when its risk is below it (no rule could report
    it); every other sentence keeps its score. A threshold set low lowers the floor of all nine."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.semantic.rules import sentence_scores
    from commlint.source.decode import decode

    text = "\n\n".join(
        [*_TEXTS_FOR_DECODE, CAPABILITY, NATSEC, "We met the mayor on Tuesday to talk about the bus routes."]
    )
    doc = Linter(Config.default()).lint(decode(text.encode(), "d.md")).document
    everything = list(sentence_scores(doc))
    assert len(everything) == 6
    for floor in (0.01, 0.3, 0.5, 0.9, 0.99):
        doc.meta.clear()
        kept = sentence_scores(doc, floor)
        assert kept == [s for s in everything if s[2].risk >= floor or s in kept]  # in order, same scores
        assert all(s in kept for s in everything if s[2].risk >= floor)
    doc.meta.clear()
    assert len(sentence_scores(doc, 0.5)) < len(everything)
    # the floor is the lowest of the nine rules': a threshold set low on one lowers it for all
    default = Linter(Config.default()).lint(decode(text.encode(), "d.md")).document
    default_scores: Any = default.meta["semantic-scores"]
    assert default_scores[0] == 0.5  # the lowest bar of the shipped model
    config = Config.from_dict({"rules": {"NSC901": {"threshold": 0.01}}})
    low = Linter(config).lint(decode(text.encode(), "d.md")).document
    low_scores: Any = low.meta["semantic-scores"]
    assert low_scores[0] == 0.01
    assert len(low_scores[1]) > len(default_scores[1])


def _draft_sentences(drafts: int) -> list[list[str]]:
    """The words of each sentence of a few generated press releases (bench/prose.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from prose import press_release  # type: ignore[import-not-found]

    return [
        words
        for seed in range(drafts)
        for s in press_release(1000, seed=seed).replace("\n", " ").split(". ")
        if 1 <= len(words := s.split()) <= 150
    ]


def test_the_bound_skips_only_sentences_the_softmax_test_would_skip() -> None:
    """``top_many`` tells most sentences below the floor from a bound on their risk logits,
    before computing them: at every floor it returns what the full test on the logits gives
    (None exactly where max risk logit - neutral logit is below the floor's bar)."""
    import math

    from commlint.semantic.model import TableModel, model_dir

    folder = model_dir()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    model = TableModel(meta, (folder / "model.bin").read_bytes())
    texts = [*_draft_sentences(12), *(t.split() for t in _TEXTS_FOR_DECODE), CAPABILITY.split(), NATSEC.split(), []]
    neutral = model.labels.index("neutral")
    logits = model.logits_many(texts)
    for floor in (0.0, 0.01, 0.3, 0.5, 0.7, 0.95, 0.999):
        below = math.log(floor / (1 - floor) / (len(model.labels) - 1)) - 1e-6 if floor else -math.inf
        want: list[tuple[str, float, float] | None] = []
        for z in logits:
            if max(v for c, v in enumerate(z) if c != neutral) - z[neutral] < below:
                want.append(None)
                continue
            e = [math.exp(v - max(z)) for v in z]
            top = max(range(len(z)), key=lambda c: -1.0 if c == neutral else e[c])
            want.append((model.labels[top], e[top] / sum(e), 1.0 - e[neutral] / sum(e)))
        got = model.top_many(texts, floor)
        assert got == want
        if floor == 0.5:  # the shipped model's lowest bar: most sentences of a release are skipped
            assert sum(g is None for g in got) > len(texts) / 2


def test_a_mitigation_nearby_is_found_as_the_whole_pattern_finds_it() -> None:
    """The learned rules look for a mitigation around a sentence with a cheaper pattern first
    (the look-behind dropped): what they find is what the whole pattern finds, negations included."""
    from commlint.config import Config
    from commlint.engine.linter import Linter
    from commlint.semantic.rules import MITIGATED, _mitigated_nearby
    from commlint.source.decode import decode

    text = "\n\n".join(
        [
            "The scheduler lost two nights of jobs in March. We have patched the scheduler since.",
            "The scheduler lost two nights of jobs in March. The flaw was never patched, and it recurs.",
            "The scheduler lost two nights of jobs in March. It is not yet fixed. Nothing else changed.",
            "The scheduler lost two nights of jobs in March. A human review now checks each job.",
            "The scheduler lost two nights of jobs in March. Without remediation the queue grew.",
            "The scheduler lost jobs. Fixed costs rose; the team RETRAINED the model to address this.",
            "Plain words here. More plain words there. Nothing to see at all.",
        ]
    )
    doc = Linter(Config.default()).lint(decode(text.encode(), "m.md")).document
    sentences = doc.sentences
    found = []
    for i, (start, _end) in enumerate(sentences):
        lo, hi = sentences[max(0, i - 1)][0], sentences[min(len(sentences) - 1, i + 1)][1]
        whole = MITIGATED.search(doc.prose, lo, hi) is not None
        assert _mitigated_nearby(doc, start) == whole
        found.append(whole)
    assert any(found) and not all(found)


@pytest.mark.parametrize("cache_size", [None, 300])
def test_threads_sharing_the_model_get_the_logits_one_thread_gets(
    cache_size: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language server lints documents on threads of their own, and they share the model's
    caches of words and pairs seen: with threads switching every few instructions, every text
    gets the logits a model used by one thread gives it, and no call fails; also when the caches
    fill up and are cleared again and again."""
    import random
    import sys
    import threading

    from commlint.semantic import model as model_module
    from commlint.semantic.model import load_model

    if cache_size is not None:
        monkeypatch.setattr(model_module, "CACHE_SIZE", cache_size)

    def batches(seed: int) -> list[list[list[str]]]:
        rng = random.Random(seed)  # each thread its own words, mostly never seen
        return [
            [["".join(rng.choice("etaoinshrdlu") for _ in range(rng.randint(3, 7))) for _ in range(15)]] * 20
            if k % 7 == 0
            else [
                ["".join(rng.choice("etaoinshrdlu") for _ in range(rng.randint(3, 7))) for _ in range(15)]
                for _ in range(20)
            ]
            for k in range(150)
        ]

    work = {seed: batches(seed) for seed in range(3)}
    solo = load_model.__wrapped__()  # a model of its own: nothing seen yet
    expected = {seed: [solo.logits_many(b) for b in todo] for seed, todo in work.items()}
    shared = load_model.__wrapped__()
    got: dict[int, list[list[list[float]]]] = {}
    failed: list[BaseException] = []

    def run(seed: int) -> None:
        try:
            got[seed] = [shared.logits_many(b) for b in work[seed]]
        except BaseException as exc:
            failed.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=run, args=(seed,)) for seed in work]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failed, failed[:3]
    assert got == expected


@pytest.mark.slow  # about 400 stops, a model loaded for each
def test_a_lint_stopped_anywhere_inside_the_model_leaves_it_giving_the_same_logits() -> None:
    """The language server stops a runaway lint by raising ``Cancelled`` inside its thread at
    whatever line it has reached. Stopped at each line the model runs for a batch (while it
    learns new words, reads rows, or decodes a whole table; comprehensions aside, which
    assign nothing until they end), the model then gives every text the logits a model that
    was never stopped gives it."""
    from commlint.engine.cancel import Cancelled
    from commlint.semantic.model import load_model

    warm = [["Zorvex", "builds", "tools", "for", "analysts"], ["the", "model", "finds", "flaws"]]
    batch = [
        ["Quellmark's", "co-operative", "naïve", "filters", "block", "misuse", "—", "mostly"],
        ["our", "system", "can", "locate", "weaknesses", "in", "any", "software"],
        ["safeguards", "were", "bypassed", "by", "testers", "at", "Vantrel", "Labs"],
    ]
    fresh = load_model.__wrapped__()
    expected = [fresh.logits_many(warm), fresh.logits_many(batch), fresh.logits_many(batch[::-1])]
    calls: list[Callable[[Any], object]] = [
        lambda m: m.logits_many(warm),  # the first texts: token by token
        lambda m: m.logits_many(batch),  # then word by word, learning new words and pairs
        lambda m: m.prepare(),  # decoding every table
    ]
    for step, call in enumerate(calls):
        model, lines = _model_after(calls[:step]), _ModelLines()
        with lines:
            call(model)
        assert lines.count > 10
        for stop_at in range(1, lines.count + 1):
            model = _model_after(calls[:step])
            with pytest.raises(Cancelled), _ModelLines(stop_at=stop_at, raising=Cancelled):
                call(model)
            got = [model.logits_many(warm), model.logits_many(batch), model.logits_many(batch[::-1])]
            assert got == expected, (step, stop_at)


def _model_after(calls: list[Callable[[Any], object]]) -> Any:
    from commlint.semantic.model import load_model

    model = load_model.__wrapped__()
    for call in calls:
        call(model)
    return model


class _ModelLines:
    """Counts the lines the model's module runs inside the block (comprehensions aside), and
    raises ``raising`` at line ``stop_at``, as an exception raised in a thread from outside
    arrives wherever the thread is."""

    def __init__(self, stop_at: int = 0, raising: type[BaseException] | None = None) -> None:
        from commlint.semantic import model as model_module

        self.count, self.stop_at, self.raising = 0, stop_at, raising
        self.source = model_module.__file__

    def trace(self, frame: Any, event: str, arg: object) -> Any:
        if frame.f_code.co_filename != self.source:
            return None
        if event == "line" and not frame.f_code.co_name.startswith("<"):
            self.count += 1
            if self.count == self.stop_at and self.raising is not None:
                raise self.raising
        return self.trace

    def __enter__(self) -> _ModelLines:
        sys.settrace(self.trace)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)
