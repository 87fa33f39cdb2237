import pytest

from ingest.nlp_engine import may_hold_a_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # everyday capitalised sentence starts only: the NER is skipped
        ("The reorg is a mess. Honestly nobody asked us.", False),
        # an acronym and the pronoun I are not names
        ("I think SRE got the worst of it.", False),
        # a tool name from the allow list is not a reason to run the NER
        ("our tickets moved to Jira overnight", False),
        # a capitalised word mid-sentence could be a name
        ("then Kemi said the rota is final", True),
        # a sentence that starts with an unknown word could start with a name
        ("Funmilayo got moved to the Lagos office.", True),
        # a cue followed by a lower-case first name
        ("ask grace about the rota", True),
        # the pronoun's contractions, stop words after a comma and weekdays are not names
        ("something I've said before, The rota moves on Friday", False),
        # a stop word that is also a name still could be one
        ("then Will said the rota is final", True),
    ],
)
def test_decides_where_the_ner_must_read(text: str, expected: bool) -> None:
    assert may_hold_a_name(text, frozenset({"Jira"})) is expected


@pytest.mark.parametrize(("scope", "read_by_ner"), [("candidates", 1), ("all", 2)])
def test_the_scope_decides_which_posts_the_ner_reads(scope: str, read_by_ner: int) -> None:
    from ingest.anonymize import Anonymizer, AnonymizerConfig

    anonymizer = Anonymizer(AnonymizerConfig(ner_scope=scope))
    anonymizer.redact("warm up")
    nlp = anonymizer._analyzer.nlp_engine.nlp["en"]
    seen: list[str] = []
    original = nlp.pipe

    def spy(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        seen.extend(texts)
        return original(texts, **kwargs)

    nlp.pipe = spy
    anonymizer.redact_many(["The reorg is a mess.", "then Kemi said no"])
    assert len(seen) == read_by_ner
