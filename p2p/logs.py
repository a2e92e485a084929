"""Technical logs: one JSON object per line on stderr, with the time, level, logger, message,
the correlation id of the work in progress and any ``extra`` ids. Never PHI: log ids
(transfer, message, member key), codes and counts, never names, dates of birth, addresses,
member ids from cards or bodies.

    configure("INFO")
    with correlation("demo-123"):
        log.info("step done", extra={"transfer_id": t})
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

_correlation: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


@contextmanager
def correlation(correlation_id: str | None) -> Iterator[None]:
    token = _correlation.set(correlation_id)
    try:
        yield
    finally:
        _correlation.reset(token)


def current_correlation() -> str | None:
    return _correlation.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str | int | float | bool] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        cid = getattr(record, "correlation_id", None) or _correlation.get()
        if cid:
            line["correlation_id"] = cid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line and isinstance(value, str | int | float | bool):
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__  # the class only: an exception's text may quote input
        return json.dumps(line, separators=(",", ":"))


UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class NoWireTrace(logging.Filter):
    """Drops the database driver's wire trace: its DEBUG records quote every query's
    parameters (names, dates of birth, card ids). Its INFO and above (connections, errors) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.split(".")[0] == "neo4j" and record.levelno < logging.INFO)


_PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")


def masked_target(target: str) -> str:
    """A request target for a log line: the path, and the query's parameter names with every value
    as ``*`` (a part without ``=``, or a name that does not look like one, is ``*`` whole)."""
    path, mark, query = target.partition("?")
    if not mark:
        return path
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        parts.append(f"{name}=*" if equals and _PARAMETER_NAME.match(name) else "*")
    return f"{path}?{'&'.join(parts)}"


class NoQueryValues(logging.Filter):
    """uvicorn's access log quotes the request target with its query string, and a client's search
    (``/fhir/Patient?family=...&birthdate=...``) or a member id it put there would reach the log:
    the values are masked (``masked_target``), the path and parameter names kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, target, version, status = record.args
            record.args = (client, method, masked_target(str(target)), version, status)
        return True


def dict_config(level: str = "INFO", stream: Any = "ext://sys.stderr") -> dict[str, Any]:
    """The whole process's logging (``logging.config.dictConfig``), uvicorn's loggers included:
    one JSON handler on the root, uvicorn's records propagated to it. ``p2p serve`` hands it to
    uvicorn, so every worker process logs the same way."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"no_wire_trace": {"()": NoWireTrace}, "no_query_values": {"()": NoQueryValues}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json",
                              "filters": ["no_wire_trace", "no_query_values"], "stream": stream}},
        "root": {"handlers": ["json"], "level": level},
        "loggers": {name: {"handlers": [], "propagate": True, "level": "NOTSET"} for name in UVICORN_LOGGERS},
    }  # fmt: skip


def configure(level: str = "INFO") -> None:
    """JSON lines on stderr for the whole process (the CLI's worker command)."""
    logging.config.dictConfig(dict_config(level))
