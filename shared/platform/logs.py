"""Structured logs: one JSON object per line on stderr, at AVENIR_LOG_LEVEL. Callers pass
only safe fields; keys, passwords and lead messages are never logged."""
import json
import logging
import sys
import time

from shared.platform import settings

_configured = False


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure() -> None:
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("avenir")
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level())
    root.propagate = False
    _configured = True


def event(logger: logging.Logger, message: str, level: int = logging.INFO, **fields) -> None:
    configure()
    logger.log(level, message, extra={"fields": fields})
