"""Log masking for every process: no CNIC or phone number reaches a log unmasked.

`install()` wraps the log-record factory, so every record made in the process is masked
(message, arguments, exception text and extras) whichever handler later writes it and
however the program configured logging (Rasa's structlog, uvicorn, basicConfig). It is
idempotent and cheap to call from any module a process is sure to import:
actions/common.py (action server), bot/channels/rest.py (Rasa server), and
`python -m bot.core.logging_setup MODULE` runs any other module (console, worker) with it.
"""

from __future__ import annotations

import logging
import runpy
import sys
import threading
from typing import Any, Callable, List, Optional

from bot.core.masking import mask_text

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}
_lock = threading.Lock()


def _mask_arg(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (int, float, bool)) or value is None:
        # A bare number is formatted by %d/%s; mask it only when it is one to mask.
        text = str(value)
        return mask_text(text) if isinstance(value, int) and mask_text(text) != text else value
    try:
        text = str(value)
    except Exception:
        return value
    masked = mask_text(text)
    return value if masked == text else masked


class MaskingFilter(logging.Filter):
    """Masks CNICs and Pakistani phone numbers in a record; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._mask(record)
        except Exception:  # masking must never cost a log line
            record.msg, record.args = "<log message withheld: could not mask it>", None
        return True

    def _mask(self, record: logging.LogRecord) -> None:
        if getattr(record, "_madadgar_masked", False):
            return
        record._madadgar_masked = True
        try:
            full = record.getMessage()
        except Exception:
            full = str(record.msg)
        if mask_text(full) != full:
            self._mask_message(record, full)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        mask_extras(record)

    @staticmethod
    def _mask_message(record: logging.LogRecord, full: str) -> None:
        # Keep msg and args apart where possible: some formatters (uvicorn's access log)
        # unpack record.args.
        msg = mask_text(record.msg) if isinstance(record.msg, str) else record.msg
        args = record.args
        if isinstance(args, tuple):
            args = tuple(_mask_arg(a) for a in args)
        elif isinstance(args, dict):
            args = {k: _mask_arg(v) for k, v in args.items()}
        record.msg, record.args = msg, args
        try:
            ok = mask_text(record.getMessage()) == record.getMessage()
        except Exception:
            ok = False
        if not ok:
            record.msg, record.args = mask_text(full), None


def mask_extras(record: logging.LogRecord) -> None:
    """Mask the text attributes `extra=` put on a record."""
    for key, value in list(record.__dict__.items()):
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, mask_text(value))


_FILTER = MaskingFilter()


def _masking_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _FILTER.filter(record)
        return record

    factory._madadgar_masking = True  # type: ignore[attr-defined]
    return factory


def _masking_make_record(make: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
    # Logger.makeRecord sets `extra=` attributes after the factory made the record.
    def make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(self, *args, **kwargs)
        if kwargs.get("extra") or (len(args) > 8 and args[8]):
            mask_extras(record)
        return record

    make_record._madadgar_masking = True  # type: ignore[attr-defined]
    return make_record


def _add_to_handlers(handlers: List[logging.Handler]) -> None:
    for handler in handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(_FILTER)


def install() -> None:
    """Mask every log record made in this process from now on (idempotent)."""
    with _lock:
        current = logging.getLogRecordFactory()
        if not getattr(current, "_madadgar_masking", False):
            logging.setLogRecordFactory(_masking_factory(current))
        if not getattr(logging.Logger.makeRecord, "_madadgar_masking", False):
            logging.Logger.makeRecord = _masking_make_record(logging.Logger.makeRecord)  # type: ignore[method-assign]
        # Handlers already configured also mask what `extra=` adds after the factory ran.
        _add_to_handlers(logging.getLogger().handlers)


def is_installed() -> bool:
    return bool(getattr(logging.getLogRecordFactory(), "_madadgar_masking", False))


def main(argv: Optional[List[str]] = None) -> None:
    """`python -m bot.core.logging_setup MODULE [ARGS...]`: run MODULE as __main__, masked."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        raise SystemExit("usage: python -m bot.core.logging_setup MODULE [ARGS...]")
    install()
    sys.argv = args
    runpy.run_module(args[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
