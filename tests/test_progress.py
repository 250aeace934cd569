"""The load progress display: a bar on a terminal, nothing when piped."""

from __future__ import annotations

import io

from nhskg.progress import ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal() -> None:
    out = FakeTerminal()
    bar = ProgressBar("loading", stream=out, width=10)
    bar(1, 4)
    bar(4, 4)
    text = out.getvalue()
    assert "\rloading [##--------] 1/4" in text
    assert text.endswith("\rloading [##########] 4/4\n")


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    ProgressBar("loading", stream=out)(3, 4)
    assert out.getvalue() == ""
