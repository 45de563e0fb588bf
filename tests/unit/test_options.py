from __future__ import annotations

import pytest

from crossenv import options
from crossenv.errors import UsageError


@pytest.mark.parametrize(
    ("text", "name", "operator", "value"),
    [
        ("CFLAGS=-O2", "CFLAGS", "=", "-O2"),
        ("CFLAGS+=-g", "CFLAGS", "+=", "-g"),
        ("PKG_CONFIG_PATH:=/a b", "PKG_CONFIG_PATH", ":=", "/a b"),
        ("CC?=gcc", "CC", "?=", "gcc"),
        ("A=B+=C", "A", "=", "B+=C"),
        ("EMPTY=", "EMPTY", "=", ""),
    ],
)
def test_parse_env(text: str, name: str, operator: str, value: str) -> None:
    assert options.parse_env(text) == options.EnvAssignment(name, operator, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CFLAGS", "expected NAME=VALUE"),
        ("=x", "empty"),
        ("A-=x", "not a valid variable"),
        ("1A=x", "not a valid variable"),
        ("+=x", "empty"),
    ],
)
def test_parse_env_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        options.parse_env(text)


def test_parse_config_var() -> None:
    assert options.parse_config_var("LDSHARED=gcc -shared") == ("LDSHARED", "gcc -shared")
    with pytest.raises(UsageError):
        options.parse_config_var("nothing")


@pytest.mark.parametrize(
    "text", ["CROSSENV_BUILD_SIDE=1", "CROSSENV_ENV_APPLIED=x", "CROSSENV_SAVED_CFLAGS=-O0"]
)
def test_crossenvs_own_variables_cannot_be_set(text: str) -> None:
    with pytest.raises(UsageError, match="is crossenv's own; it cannot be set"):
        options.parse_env(text)


@pytest.mark.parametrize("text", ["EXT_SUFFIX=", "CC=", "LDSHARED=  "])
def test_a_config_var_builds_need_cannot_be_emptied(text: str) -> None:
    with pytest.raises(UsageError, match="an empty one builds no extension"):
        options.parse_config_var(text)
    assert options.parse_config_var("CFLAGS=") == ("CFLAGS", "")  # others may be empty
