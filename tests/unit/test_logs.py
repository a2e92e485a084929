"""The JSON log handler: one object per line, the correlation id, no database wire trace, and no
query string values in the access log."""

from __future__ import annotations

import io
import json
import logging
import logging.config

from p2p.logs import NoWireTrace, correlation, dict_config


def record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


def test_the_driver_wire_trace_is_dropped_but_its_warnings_kept() -> None:
    keep = NoWireTrace()
    assert not keep.filter(record("neo4j.io", logging.DEBUG, "C: RUN 'MATCH ...' {'first_name': 'Ada'}"))
    assert keep.filter(record("neo4j.pool", logging.WARNING, "connection lost"))
    assert keep.filter(record("neo4jish", logging.DEBUG, "not the driver"))
    assert keep.filter(record("httpx", logging.DEBUG, "GET /x"))


def test_the_config_writes_json_lines_with_the_correlation_id_and_uvicorn_propagates() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logging.config.dictConfig(dict_config("DEBUG", stream))
        with correlation("corr-42"):
            logging.getLogger("uvicorn.access").info("GET /transfers/T-1 200")
            logging.getLogger("neo4j.io").debug("C: RUN {'dob': '1961-02-03'}")
    finally:
        root.handlers[:], root.level = saved
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines == [{"at": lines[0]["at"], "level": "info", "logger": "uvicorn.access",
                      "message": "GET /transfers/T-1 200", "correlation_id": "corr-42"}]  # fmt: skip


def test_the_access_log_keeps_path_and_parameter_names_but_no_query_value() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logging.config.dictConfig(dict_config("INFO", stream))
        access = logging.getLogger("uvicorn.access")
        target = "/fhir/Patient?family=Smithson&birthdate=1970-01-01&identifier=http://old|A0001&Smithson&_count"
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", target, "1.1", 400)  # as uvicorn logs
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/transfers/T-1", "1.1", 200)
    finally:
        root.handlers[:], root.level = saved
    messages = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert messages == [
        '127.0.0.1:5000 - "GET /fhir/Patient?family=*&birthdate=*&identifier=*&*&* HTTP/1.1" 400',
        '127.0.0.1:5000 - "GET /transfers/T-1 HTTP/1.1" 200',
    ]
