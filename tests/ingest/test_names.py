import pytest

from ingest.names import NameListRecognizer


@pytest.fixture(scope="module")
def recognizer() -> NameListRecognizer:
    return NameListRecognizer()


def names(recognizer: NameListRecognizer, text: str) -> list[str]:
    return [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"])]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ticket REQ-55102. - A. Chowdhury", "A. Chowdhury"),
        ("signed, J. R. Okafor", "J. R. Okafor"),
    ],
)
def test_initials_before_a_name_belong_to_it(recognizer, text: str, name: str) -> None:
    assert names(recognizer, text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Beijos, Fernanda Costa e Silva", "Fernanda Costa e Silva"),
        ("thanks to Sofía de la Cruz", "Sofía de la Cruz"),
    ],
)
def test_particles_between_names_belong_to_the_name(recognizer, text: str, name: str) -> None:
    assert name in names(recognizer, text)
