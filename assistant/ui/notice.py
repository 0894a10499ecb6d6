"""How the tabs tell staff that something did not work: a Chinese notice, never a raised gr.Error.

A raised gr.Error makes Gradio mark every output of the event with a red "错误" badge and grey it, and its toast
is titled "Error" whatever title is given (Gradio 6 titles toasts by their kind; layout.HEAD re-titles them in
Chinese). So a handler wrapped in `guarded(n)` turns a `ui_error` (the user's to fix) or any other failure
(logged, shown as services.friendly says) into a gr.Warning and leaves its n outputs as they were.
"""
from __future__ import annotations

import functools
import inspect
import logging
import re

import gradio as gr

from assistant.ui.services import friendly

log = logging.getLogger(__name__)

TITLE = "提示"
# the write side's messages end in an English gloss for the CLI and the logs: "…，未导入 (not an annual report)"
_GLOSS = re.compile(r"\s*\([a-z][\x20-\x7e]*\)")


def staff_text(message: str) -> str:
    """A message for the page: without the English gloss the write side adds for the CLI and the logs."""
    return _GLOSS.sub("", message or "")


def warn(message: str) -> None:
    gr.Warning(staff_text(message), title=TITLE)


def info(message: str) -> None:
    gr.Info(message, title=TITLE)


def _message(e: BaseException, what: str) -> str:
    if isinstance(e, gr.Error):  # ui_error: a message already written for the user
        return e.message
    log.exception(what)
    return friendly(e)


def guarded(n_outputs: int, what: str = ""):
    """Decorate an event handler with `n_outputs` outputs (generators too): a failure becomes a notice and the
    outputs are skipped. Gradio still sees the handler's own signature (gr.Request, gr.Progress…)."""

    def skipped():
        return gr.skip() if n_outputs == 1 else tuple(gr.skip() for _ in range(n_outputs))

    def deco(fn):
        name = what or fn.__name__
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*args, **kw):
                try:
                    yield from fn(*args, **kw)
                except Exception as e:
                    warn(_message(e, name))
                    yield skipped()
            return gen

        @functools.wraps(fn)
        def call(*args, **kw):
            try:
                return fn(*args, **kw)
            except Exception as e:
                warn(_message(e, name))
                return skipped()
        return call

    return deco
