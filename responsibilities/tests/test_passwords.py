"""Passwords that follow the class rules yet are guessable are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from responsibilities.passwords import CommonStemValidator, password_stems
from tests.factories import JurisdictionFactory, UserFactory


@pytest.mark.parametrize(
    "password",
    ["Admin@123", "Passw0rd!", "P@ssw0rd123", "Woaini@1314", "Zhongguo#2026", "Qwerty!234", "ADMIN@2026"],
)
def test_a_common_word_with_digits_and_symbols_is_refused(db, password):
    with pytest.raises(ValidationError, match="密码过于常见"):
        validate_password(password, UserFactory(username="wangwu"))


def test_a_jurisdiction_name_with_digits_and_symbols_is_refused(db):
    JurisdictionFactory(name="太仓市")
    for password in ("太仓@12345", "太仓市@2026", "太仓#0001"):
        with pytest.raises(ValidationError, match="密码过于常见"):
            CommonStemValidator().validate(password)


@pytest.mark.parametrize(
    "password", ["Zhiliang#2027", "质量强市abc1", "Quality1!x", "Audit#2026x", "Tq7#vLm2pX"]
)
def test_an_uncommon_password_passes(db, password):
    CommonStemValidator().validate(password)


def test_stems_drop_digits_and_symbols_and_read_look_alike_digits():
    assert "password" in password_stems("Passw0rd!")
    assert "admin" in password_stems("Ａｄｍｉｎ＠１２３")  # full width, as a Chinese keyboard types it


def test_the_validator_is_wired_into_the_settings(db):
    with pytest.raises(ValidationError, match="密码过于常见"):
        validate_password("Admin@123", UserFactory(username="zhaoliu"))
