"""The unified social credit code check of GB 32100-2015 (DOMAIN.md §0)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.credit_code import CHARSET, WEIGHTS, check_character, is_valid, problem

DOMAIN_EXAMPLES = ["914403001922038216", "91330100716105852F", "91350200776049653A"]


def test_charset_and_weights_are_the_standard_ones():
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY" and len(CHARSET) == 31
    assert not set("IOSVZ") & set(CHARSET)
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
def test_domain_examples_are_valid(code):
    assert is_valid(code) and problem(code) is None
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
@pytest.mark.parametrize("position", [0, 8, 16, 17])
def test_changing_any_one_character_breaks_it(code, position):
    for other in CHARSET.replace(code[position], ""):
        assert not is_valid(code[:position] + other + code[position + 1 :])


@pytest.mark.parametrize(
    "code, right",
    [
        ("914403001922038217", "6"),
        ("91330100716105852E", "F"),
        ("91350200776049653B", "A"),
    ],
    ids=["…6 as 7", "…F as E", "…A as B"],
)
def test_wrong_check_character_says_what_it_should_be(code, right):
    zh, en = problem(code)
    assert "校验位" in zh and f"应为{right}" in zh
    assert "check character" in en and f"should be {right}" in en


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_named(letter):
    code = "91330100716105852" + letter
    zh, en = problem(code)
    assert letter in zh and "不使用I、O、S、V、Z" in zh
    assert f"not allowed: {letter}" in en


@pytest.mark.parametrize(
    "code",
    ["", "9", "91330100716105852", "91330100716105852FF", "91330100716105852F" * 2],
    ids=["empty", "1 character", "17 characters", "19 characters", "36 characters"],
)
def test_length_other_than_18_is_refused(code):
    assert "18位" in problem(code)[0]


@pytest.mark.parametrize(
    "value",
    [None, 914403001922038216, b"914403001922038216", ["914403001922038216"]],
    ids=["None", "int", "bytes", "list"],
)
def test_non_strings_are_refused_without_crashing(value):
    assert problem(value) is not None and not is_valid(value)


@pytest.mark.parametrize(
    "code",
    ["91330100716105852f", " 91330100716105852F", "９１３３０１００７１６１０５８５２Ｆ"],
    ids=["lower case", "leading space", "full-width"],
)
def test_the_check_itself_does_not_normalise(code):
    """Normalising (upper case, trimming) is the field cleaner's job; the check sees exact characters."""
    assert not is_valid(code)


BODY = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@given(BODY)
def test_appending_the_check_character_gives_a_valid_code(first17):
    assert is_valid(first17 + check_character(first17))


@given(BODY, st.sampled_from(CHARSET))
def test_any_other_last_character_is_invalid(first17, last):
    if last != check_character(first17):
        assert not is_valid(first17 + last)
        assert "校验位" in problem(first17 + last)[0]
