import hashlib
import hmac
import re

from ingest.pseudonym import Pseudonymizer


def test_is_the_keyed_hmac_sha256_of_the_id_cut_to_sixteen_hex_characters() -> None:
    expected = hmac.new(b"k" * 32, b"u123", hashlib.sha256).hexdigest()[:16]
    assert Pseudonymizer(b"k" * 32)("u123") == expected


def test_is_sixteen_hex_characters() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", Pseudonymizer(b"k" * 32)("u123"))


def test_same_id_and_key_give_the_same_pseudonym() -> None:
    assert Pseudonymizer(b"k" * 32)("u123") == Pseudonymizer(b"k" * 32)("u123")


def test_another_key_gives_another_pseudonym() -> None:
    assert Pseudonymizer(b"k" * 32)("u123") != Pseudonymizer(b"j" * 32)("u123")


def test_no_author_stays_none() -> None:
    assert Pseudonymizer(b"k" * 32)(None) is None


def test_repr_hides_the_key() -> None:
    assert "secret" not in repr(Pseudonymizer(b"secret-key-material"))
