"""A prerequisite the machine lacks is a skip with its reason, or a failure in CI."""

from __future__ import annotations

import pytest

from ..gaps import SWITCH, missing


def test_missing_is_a_skip_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SWITCH, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"not run: no Python 3\.13"):
        missing("no Python 3.13")


def test_missing_fails_when_every_test_must_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH, "1")
    with pytest.raises(pytest.fail.Exception, match=r"no Python 3\.13"):
        missing("no Python 3.13")
