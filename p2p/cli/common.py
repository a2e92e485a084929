"""What every command shares: the console, settings loading and error reporting."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from graph.errors import GraphError
from p2p.settings import ConfigurationError, Settings, load_settings

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CONFIG = 2
EXIT_FAILURE = 1


class UserError(Exception):
    """A problem with what the user asked for; printed without a traceback."""


def settings() -> Settings:
    return load_settings()


def friendly_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn known failures into one clear line on stderr and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigurationError as exc:
            err_console.print(f"[red]Configuration error:[/red] {escape(str(exc))}")
            raise typer.Exit(EXIT_CONFIG) from None
        except (GraphError, UserError) as exc:
            err_console.print(f"[red]Error:[/red] {escape(str(exc))}")
            raise typer.Exit(EXIT_FAILURE) from None

    return wrapper
