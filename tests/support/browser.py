"""What the browser tests hold in their hands: a page opened by the ``open_page`` fixture
(tests/browser/conftest.py) with everything it reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class MapPage:
    """A page with everything it reported: console messages, page errors, outside requests."""

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    allow_outside: bool = False

    def problems(self) -> list[str]:
        """Console errors and warnings and uncaught exceptions, as text."""
        return [f"console.{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")] + [
            f"pageerror: {text}" for text in self.errors]

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


# The type of the open_page fixture: open_page(path or html, ready=..., viewport=..., allow_outside=...).
OpenPage = Callable[..., MapPage]
