"""Structured logs: one JSON object per line on stdout (where container runtimes and
journald collect a service's output; uvicorn's own start/stop lines stay on stderr).

Log calls pass their data as `extra={"fields": {...}}`. Never put keys, credentials,
tokens, passwords or record content in a log line: ids and counts only.
"""

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines for the server's own loggers (uvicorn keeps its access log format)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("fieldapp.server")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
