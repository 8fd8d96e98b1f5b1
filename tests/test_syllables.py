"""The Flesch scores commlint computes itself are textstat's own, to the last bit."""

from __future__ import annotations

import textstat

from commlint.matching import regex_cache
from commlint.prose import syllables

syllables.install()  # textstat's syllables offline (commlint's lazy CMUdict)

TEXTS = [
    "",
    "   ",
    "Hello.",
    "We released a new model today. It is faster and cheaper.",
    "I'm sure it's 'quoted' text. Don't! Won't? e.g. U.S.A. ok... The users' data and the model's answers.",
    "Straße, İstanbul, naïve café: “curly quotes” — dashes – 123 4.5 and snake_case words.",
    "a b. c d e. f",
    "...!!!???",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism floccinaucinihilipilification.",
    "Our xyzzyplonk frobnicators qwertyuiop asdfghjkl rhythms. Mr Smith's fire hour came.",
    "The model's capabilities, evaluated under the Responsible Scaling Policy, were assessed by "
    "independent red-teamers over six weeks; no critical vulnerability was found.\n¶\nA new line.",
]


def test_flesch_scores_are_textstats():
    for text in TEXTS + [" ".join(TEXTS), "\n".join(TEXTS * 3)]:
        assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text
        assert syllables.flesch_reading_ease(text) == textstat.flesch_reading_ease(text), text


def test_generated_paragraphs_score_as_textstat_scores_them():
    import random

    words = [w for text in TEXTS for w in text.split()] + ["the", "a", "risk", "we'll", "they've", "it's"]
    rng = random.Random(7)
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 120)))
        assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text
        assert syllables.flesch_reading_ease(text) == textstat.flesch_reading_ease(text), text


def test_a_sentence_of_punctuation_and_stray_apostrophes_counts_as_textstat_counts_it():
    """Sentences whose first tokens hold no word character (dashes, quotes, apostrophes,
    bullets) are the ones the quick test of a sentence's length cannot settle."""
    import random

    pieces = ["—", "-", "'", "''", "'s", "'t", "'ve", "“", "”", "•", "a", "we", "it's", "x'", "_", "3", "é", "!", "?"]
    gaps = [" ", "  ", "\t", "\n", "\u2003", "\u00a0"]
    rng = random.Random(15)
    for _ in range(3000):
        sentence = "".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randint(0, 7)))
        assert syllables._short(sentence) == (len(syllables._words_text(sentence).split()) <= 2), sentence
        text = f"We measured it. {sentence}. The users saw it."
        assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text


def test_a_word_outside_the_dictionary_is_hyphenated_once():
    syllables._SYLLABLES.pop("xyzzyplonk", None)
    first = syllables.word_syllables("xyzzyplonk")
    assert syllables._SYLLABLES["xyzzyplonk"] == first == textstat.syllable_count("xyzzyplonk")


def test_the_lazy_dictionary_finds_every_pronunciation_a_full_read_finds():
    data = syllables.cmudict_path().read_bytes()
    full: dict[str, list[list[str]]] = {}
    for line in data.splitlines():
        if line:
            head = syllables._key(line).decode("utf-8")
            full.setdefault(head, []).append(line.split(b"#", 1)[0].decode("utf-8").split()[1:])
    lazy = syllables.LazyCmudict(data)
    heads = sorted(full)
    sample = heads[::40] + heads[:5] + heads[-5:] + ["sepulveda", "sepultura", "read", "fire", "hour"]
    for word in sample:
        assert lazy._lookup(word) == full[word], word
    for word in ["xyzzyplonk", "", "zzzzzzzz", "don't", "a(", "(2)"]:
        assert lazy._lookup(word) == full.get(word, []), word


def test_hyphenation_without_pyphen_gives_pyphens_positions():
    import random

    import pyphen

    path = syllables._english_hyphenation()
    assert path is not None and path == pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    ours = syllables._pyphen()
    assert isinstance(ours, syllables.Hyphenator)
    theirs = pyphen.Pyphen(filename=path, cache=False)  # pyphen's own full parse of the file
    data = syllables.cmudict_path().read_bytes().decode("utf-8")
    heads = sorted({line.split(" ", 1)[0] for line in data.splitlines() if line})
    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyzéü'"
    made = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 24))) for _ in range(3000)]
    odd = ["", "a", "ab", "İstanbul", "STRASSE", "Straße", "naïve", "x" * 60, "co-op", "e.g"]
    for word in heads[::25] + made + odd + [w for text in TEXTS for w in text.split()]:
        assert ours.positions(word) == theirs.positions(word), word


def test_the_prepared_syllable_table_gives_every_headwords_first_pronunciation():
    data = syllables.cmudict_path().read_bytes()
    first: dict[str, int] = {}
    for line in data.splitlines():
        if line:
            head = syllables._key(line).decode("utf-8")
            if head not in first:
                phones = line.split(b"#", 1)[0].decode("utf-8").split()[1:]
                first[head] = sum(1 for phone in phones if phone[-1].isdigit())
    assert syllables._syllable_table() is not None
    for head, count in first.items():
        assert syllables._dictionary_syllables(head) == count, head
    for word in ["xyzzyplonk", "zzzzzzzz", "2026", "a(2)", "(2)", "a", "x" * 40, "é"]:
        assert syllables._dictionary_syllables(word) == first.get(word), word


def test_the_syllable_table_follows_the_dictionary_file(tmp_path, monkeypatch):
    """The table is kept under the dictionary's checksum: another file gets its own table."""
    own = tmp_path / "cmudict.dict"
    own.write_bytes(b"hello HH AH0 L OW1\nhello(2) HH EH0 L OW1 W AH1\nxyzzyplonk Z IH1 Z IY0 P L AA1 NG K\n")
    monkeypatch.setenv("COMMLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(syllables, "cmudict_path", lambda: own)
    monkeypatch.setattr(regex_cache, "_CACHE", None)  # a cache of its own, in tmp_path
    syllables._syllable_table.cache_clear()
    try:
        assert syllables._dictionary_syllables("xyzzyplonk") == 3
        assert syllables._dictionary_syllables("hello") == 2
        assert syllables._dictionary_syllables("the") is None
        own.write_bytes(b"xyzzyplonk Z IH1\n")  # edited: a new checksum, a new table
        syllables._syllable_table.cache_clear()
        assert syllables._dictionary_syllables("xyzzyplonk") == 1
    finally:
        syllables._syllable_table.cache_clear()


def test_scores_read_token_by_token_are_textstats_on_first_and_later_reads():
    """Words are read per whitespace token (each token's syllables remembered): tokens with
    punctuation, apostrophes before and after contraction endings, final sigmas, digits and
    nothing but punctuation score as textstat scores the whole text, the first time a token
    is seen and the next."""
    import random

    pieces = ["'", "'s", "'t", "'ve", "'ll", "'re", "'d", "x'", "—", "(", ")", ".", ",", "!", "?", "“", "”", "_"]
    stems = ["ΟΔΟΣ", "Σ", "σοφός", "İstanbul", "Straße", "we", "model", "hmm", "3", "4.5", "CAFÉ", "rhythm", "a"]
    rng = random.Random(21)
    for n in range(400):
        tokens = []
        for _ in range(rng.randint(1, 40)):
            token = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2)))
            token += "".join(rng.choice(stems + pieces) for _ in range(rng.randint(0, 3)))
            tokens.append(token + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2))))
        text = "".join(token + rng.choice([" ", "  ", "\n", "\t", "\u00a0"]) for token in tokens)
        if n % 2:
            syllables._TOKEN_SYLLABLES.clear()
        for _ in range(2):
            assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text
            assert syllables.flesch_reading_ease(text) == textstat.flesch_reading_ease(text), text


def test_sentences_counted_from_the_runs_between_stops_as_textstat_counts_them():
    """textstat's sentences are counted from the runs between stops (a run holding a word
    character is one): texts of stops, apostrophes, marks, underscores, digits and symbols
    next to words score as textstat scores them."""
    import random

    words = ["a", "We", "model", "it's", "'s", "'t", "'", "—", "“", "”", "_", "3", "é", "\u0301", "\u00b2", "¶"]
    words += ["\ufffc", "e.g.", "U.S.", "•", "(", ")", "ve", "ll", "risk", "released", "today"]
    marks = ["", "", "", ".", "!", "?", "...", "?!", ",", "'", "”"]
    gaps = [" ", " ", "  ", "\n", "\u00a0", ""]
    rng = random.Random(21)
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice(marks) + rng.choice(gaps) for _ in range(rng.randint(0, 40)))
        assert syllables.flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text
        assert syllables.flesch_reading_ease(text) == textstat.flesch_reading_ease(text), text
