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
    ],
)
def test_decides_where_the_ner_must_read(text: str, expected: bool) -> None:
    assert may_hold_a_name(text, frozenset({"Jira"})) is expected


def test_the_ner_still_reads_posts_skipped_when_the_scope_is_all() -> None:
    from ingest.anonymize import Anonymizer, AnonymizerConfig

    text = "The reorg is a mess. Honestly nobody asked us."
    everywhere = Anonymizer(AnonymizerConfig(ner_scope="all"))
    assert everywhere.redact(text) == text
