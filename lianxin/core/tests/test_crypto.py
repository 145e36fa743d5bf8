"""Field encryption (AES-256-GCM) and keyed blind indexes: what the database holds must be useless without the keys."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from lianxin.core import crypto

RESIDENT_ID = "532621198005170013"


@given(st.text(max_size=300))
def test_decrypt_returns_exactly_what_was_encrypted(plaintext):
    token = crypto.encrypt(plaintext, purpose="tests.field")

    assert crypto.decrypt(token, purpose="tests.field") == plaintext


def test_encrypting_the_same_value_twice_gives_different_ciphertexts_without_the_plaintext():
    first = crypto.encrypt(RESIDENT_ID, purpose="tests.field")
    second = crypto.encrypt(RESIDENT_ID, purpose="tests.field")

    assert first != second
    for token in (first, second):
        assert RESIDENT_ID.encode() not in token
        assert RESIDENT_ID[6:14].encode() not in token  # not even the birth date


def test_decrypt_accepts_the_memoryview_a_binary_column_returns():
    token = crypto.encrypt(RESIDENT_ID, purpose="tests.field")

    assert crypto.decrypt(memoryview(token), purpose="tests.field") == RESIDENT_ID


@pytest.mark.parametrize("position", [1, 12, 13, -1], ids=["nonce-start", "nonce-end", "ciphertext", "tag"])
def test_tampered_ciphertext_is_refused(position):
    token = bytearray(crypto.encrypt(RESIDENT_ID, purpose="tests.field"))
    token[position] ^= 0x01

    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(token), purpose="tests.field")


def test_ciphertext_of_one_field_cannot_be_read_as_another():
    token = crypto.encrypt(RESIDENT_ID, purpose="people.person.resident_id")

    with pytest.raises(InvalidTag):
        crypto.decrypt(token, purpose="people.person.phone")


def test_ciphertext_of_unknown_version_is_refused():
    token = b"\x02" + crypto.encrypt(RESIDENT_ID, purpose="tests.field")[1:]

    with pytest.raises(ValueError, match="version"):
        crypto.decrypt(token, purpose="tests.field")


def test_ciphertext_made_with_another_key_is_refused(settings):
    token = crypto.encrypt(RESIDENT_ID, purpose="tests.field")
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"k" * 32).decode()

    with pytest.raises(InvalidTag):
        crypto.decrypt(token, purpose="tests.field")


def test_a_key_of_the_wrong_length_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"k" * 16).decode()

    with pytest.raises(ValueError, match="32 bytes"):
        crypto.encrypt(RESIDENT_ID, purpose="tests.field")


def test_blind_index_is_deterministic_and_hides_the_value():
    digest = crypto.blind_index(RESIDENT_ID, purpose="people.person.resident_id")

    assert digest == crypto.blind_index(RESIDENT_ID, purpose="people.person.resident_id")
    assert len(digest) == 64
    assert RESIDENT_ID not in digest


def test_blind_index_differs_by_purpose_and_by_value():
    digest = crypto.blind_index(RESIDENT_ID, purpose="people.person.resident_id")

    assert digest != crypto.blind_index(RESIDENT_ID, purpose="people.person.phone")
    assert digest != crypto.blind_index("532621198005170021", purpose="people.person.resident_id")


def test_blind_index_depends_on_the_key(settings):
    """Without the key, nobody can precompute digests of all ~10^10 plausible resident IDs."""
    digest = crypto.blind_index(RESIDENT_ID, purpose="people.person.resident_id")
    settings.BLIND_INDEX_KEY = base64.b64encode(b"x" * 32).decode()

    assert crypto.blind_index(RESIDENT_ID, purpose="people.person.resident_id") != digest


@given(st.text(max_size=100))
def test_the_bulk_helpers_agree_with_the_single_value_functions(value):
    # An import encrypts and indexes thousands of IDs through encrypter/blind_indexer; a lookup by the
    # single-value functions must find them, and decrypt must open them.
    assert crypto.blind_indexer("tests.field")(value) == crypto.blind_index(value, purpose="tests.field")
    token = crypto.encrypter("tests.field")(value)
    assert crypto.decrypt(token, purpose="tests.field") == value
    with pytest.raises(InvalidTag):
        crypto.decrypt(token, purpose="tests.other")
