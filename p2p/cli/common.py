"""What every command shares: the console, settings loading and error reporting."""

from __future__ import annotations

import errno
import math
from collections.abc import Callable
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

import typer
from neo4j.exceptions import DriverError, Neo4jError
from rich.console import Console
from rich.markup import escape

from graph.errors import GraphError
from p2p.settings import ConfigurationError, Settings, load_settings

# What commands print on stdout is never read as Rich markup: record ids, column and file names,
# stewards' reasons and partner names come from files and people, and '[/]' in one of them made
# the print fail ('[red]' restyled it). Style with rich.text.Text or style= instead.
console = Console(highlight=False, soft_wrap=True, markup=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)  # its messages are escaped (_fail)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CONFIG = 2
EXIT_FAILURE = 1


class UserError(Exception):
    """A problem with what the user asked for; printed without a traceback."""


def settings() -> Settings:
    return load_settings()


def finite(value: float | None) -> float | None:
    """Option callback: ``nan`` and ``inf`` parse as floats but mean no threshold at all."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def log_level(level: str) -> str:
    """The technical log level of ``--log-level`` (any case), upper-cased."""
    if level.upper() not in LOG_LEVELS:
        raise UserError(f"--log-level must be {', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}, not {level!r}")
    return level.upper()


# What to change when the file system refuses (by errno); anything else names only the error.
_FILE_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.EACCES: "permission denied; choose a folder you may write to or fix its permissions",
    errno.EPERM: "permission denied; choose a folder you may write to or fix its permissions",
    errno.EEXIST: "a file is in the way where a folder is needed; choose another path",
    errno.ENOTDIR: "a file is in the way where a folder is needed; choose another path",
    errno.EISDIR: "a folder is in the way where a file is needed; choose another path",
    errno.ENOENT: "no such file or folder",
}
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"


def one_line(text: str) -> str:
    """Error messages are printed on one line, whatever their source put in them."""
    return " ".join(text.split())


def describe_os_error(exc: OSError) -> str:
    """The path and what to change, without the exception's own text (it may quote data)."""
    if exc.errno is None and isinstance(exc, FileNotFoundError) and exc.args:  # pyarrow: FileNotFoundError(path)
        return f"{exc.args[0]}: {_FILE_HINTS[errno.ENOENT]}"
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    what = _FILE_HINTS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
    return f"{' -> '.join(paths)}: {what}" if paths else what


def describe_neo4j_error(exc: Neo4jError | DriverError) -> tuple[int, str]:
    """Exit code and message for a database failure in the middle of a command. The server's
    message is not repeated: it may quote the values of the query (names, dates of birth)."""
    if isinstance(exc, DriverError):
        return EXIT_FAILURE, (
            f"lost the connection to Neo4j ({type(exc).__name__}); check that it is running "
            "(`p2p neo4j status`) and run the command again"
        )
    code = exc.code or type(exc).__name__
    if code == DATABASE_NOT_FOUND:
        return EXIT_CONFIG, "Neo4j has no database of the name P2P_NEO4J_DATABASE gives; check P2P_NEO4J_DATABASE"
    if code.startswith(TIMED_OUT):
        return EXIT_FAILURE, (
            f"a Neo4j transaction ran longer than P2P_NEO4J_QUERY_TIMEOUT_S and was rolled back ({code}); "
            "raise P2P_NEO4J_QUERY_TIMEOUT_S and run the command again"
        )
    return EXIT_FAILURE, f"Neo4j refused the request ({code})"


def friendly_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn known failures into one clear line on stderr and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigurationError as exc:
            _fail(EXIT_CONFIG, str(exc))
        except (GraphError, UserError) as exc:
            _fail(EXIT_FAILURE, str(exc))
        except (Neo4jError, DriverError) as exc:
            _fail(*describe_neo4j_error(exc))
        except OSError as exc:  # a folder that is full, read-only, missing, or a file in the way
            _fail(EXIT_FAILURE, describe_os_error(exc))

    return wrapper


def _fail(code: int, message: str) -> NoReturn:
    label = "Configuration error:" if code == EXIT_CONFIG else "Error:"
    err_console.print(f"[red]{label}[/red] {escape(one_line(message))}")
    raise typer.Exit(code) from None
