"""LLM backends behind one small contract: `name`, `model_id`, `warm_up()`, `stream_chat(messages)`, `chat()`.

- none: no model; the composer answers from templates and quotes.
- local: Qwen2.5 0.5B GGUF from the wheels (assistant/llm/local.py).
- openai: any OpenAI-compatible server through llama-index OpenAILike; env ASSISTANT_OPENAI_BASE_URL,
  ASSISTANT_OPENAI_MODEL, ASSISTANT_OPENAI_API_KEY (e.g. `python -m llama_cpp.server`, vLLM, Ollama).
`auto` picks the best available: openai when configured, else local when assembled, else none.
`as_llama_index_llm()` wraps a backend as a llama-index LLM (the naive baseline and tool-calling use it).
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional, Protocol, Sequence

from index.errors import ConfigError, ModelError

KINDS = ("auto", "none", "local", "openai")


class ChatBackend(Protocol):
    name: str

    @property
    def model_id(self) -> str: ...

    def warm_up(self) -> "ChatBackend": ...

    def stream_chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> Iterator[str]: ...

    def chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> str: ...


class OpenAIBackend:
    """An OpenAI-compatible chat server via llama-index OpenAILike (the server applies the chat template)."""

    name = "openai"

    def __init__(self, base_url: Optional[str] = None, model: Optional[str] = None, api_key: Optional[str] = None,
                 timeout: float = 120.0):
        self.base_url = base_url or os.environ.get("ASSISTANT_OPENAI_BASE_URL")
        self.model = model or os.environ.get("ASSISTANT_OPENAI_MODEL") or "local-model"
        self.api_key = api_key or os.environ.get("ASSISTANT_OPENAI_API_KEY") or "not-needed"
        if not self.base_url:
            raise ConfigError("--llm openai needs ASSISTANT_OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1); "
                              "set it, or use --llm local / --llm none")
        self.timeout = timeout
        self._llm = None

    @property
    def model_id(self) -> str:
        return f"openai:{self.model}"

    def warm_up(self) -> "OpenAIBackend":
        if self._llm is None:
            from llama_index.llms.openai_like import OpenAILike

            self._llm = OpenAILike(model=self.model, api_base=self.base_url, api_key=self.api_key,
                                   is_chat_model=True, is_function_calling_model=False, timeout=self.timeout,
                                   max_retries=1, temperature=0.0, context_window=8192)
        return self

    @property
    def llama_index_llm(self):
        return self.warm_up()._llm

    def stream_chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> Iterator[str]:
        from llama_index.core.llms import ChatMessage

        self.warm_up()
        msgs = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
        try:
            for part in self._llm.stream_chat(msgs, max_tokens=max_tokens, temperature=temperature):
                if part.delta:
                    yield part.delta
        except Exception as e:  # network / server errors: one clear line
            raise ModelError(f"--llm openai: the server at {self.base_url} failed: {e}") from e

    def chat(self, messages: list[dict], max_tokens: int = 300, temperature: float = 0.0) -> str:
        return "".join(self.stream_chat(messages, max_tokens=max_tokens, temperature=temperature))


def get_backend(kind: Optional[str] = "auto") -> Optional[ChatBackend]:
    """None means no LLM (templates and quotes only). `auto` is a configured server model, else none: the bundled
    0.5B model took 6–17 s an answer and added nothing over the extractive answer (measured), so it is used
    only when asked for (`local`)."""
    kind = (kind or "auto").lower()
    if kind not in KINDS:
        raise ConfigError(f"unknown --llm {kind!r}; use one of: {', '.join(KINDS)}")
    if kind == "none":
        return None
    if kind == "openai" or (kind == "auto" and os.environ.get("ASSISTANT_OPENAI_BASE_URL")):
        return OpenAIBackend()
    if kind == "auto":
        return None
    from assistant.llm import local as llm_local

    return llm_local.LocalLLM()


def available_backends() -> list[str]:
    """The kinds that would work now, without loading a model: none always, local when its GGUF is assembled
    and llama-cpp-python imports, openai when a server is configured."""
    from assistant.llm import local as llm_local

    out = ["none"]
    if llm_local.available():
        out.append("local")
    if os.environ.get("ASSISTANT_OPENAI_BASE_URL"):
        out.append("openai")
    return out


def backend_name(backend: Optional[ChatBackend]) -> str:
    return "none" if backend is None else backend.name


def as_llama_index_llm(backend: ChatBackend):
    """A llama-index LLM over any backend here, so llama-index query engines and agents can use it."""
    if isinstance(backend, OpenAIBackend):
        return backend.llama_index_llm
    from llama_index.core.base.llms.types import (ChatMessage, ChatResponse, ChatResponseGen, CompletionResponse,
                                                  CompletionResponseGen, LLMMetadata)
    from llama_index.core.llms import CustomLLM
    from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback

    class _Wrapped(CustomLLM):
        max_tokens: int = 300

        @property
        def metadata(self) -> LLMMetadata:
            # below the local model's n_ctx 4096: llama-index counts tokens with tiktoken, not Qwen's tokenizer
            return LLMMetadata(context_window=3300, num_output=self.max_tokens, is_chat_model=True,
                               model_name=backend.model_id)

        @llm_chat_callback()
        def chat(self, messages: Sequence[ChatMessage], **kw: Any) -> ChatResponse:
            text = backend.chat(_msgs(messages), max_tokens=self.max_tokens)
            return ChatResponse(message=ChatMessage(role="assistant", content=text))

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kw: Any) -> ChatResponseGen:
            def gen():
                acc = ""
                for d in backend.stream_chat(_msgs(messages), max_tokens=self.max_tokens):
                    acc += d
                    yield ChatResponse(message=ChatMessage(role="assistant", content=acc), delta=d)
            return gen()

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kw: Any) -> CompletionResponse:
            return CompletionResponse(text=backend.chat([{"role": "user", "content": prompt}], max_tokens=self.max_tokens))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kw: Any) -> CompletionResponseGen:
            def gen():
                acc = ""
                for d in backend.stream_chat([{"role": "user", "content": prompt}], max_tokens=self.max_tokens):
                    acc += d
                    yield CompletionResponse(text=acc, delta=d)
            return gen()

    return _Wrapped()


def _msgs(messages) -> list[dict]:
    return [{"role": str(getattr(m.role, "value", m.role)), "content": m.content or ""} for m in messages]


class ScriptedBackend:
    """Replies from a queue, for tests of the composer and verifier (like simonw/llm's MockModel)."""

    name = "scripted"

    def __init__(self, replies: Optional[list[str]] = None):
        self.replies = list(replies or [])
        self.prompts: list[list[dict]] = []

    @property
    def model_id(self) -> str:
        return "scripted"

    def enqueue(self, reply: str) -> None:
        self.replies.append(reply)

    def warm_up(self):
        return self

    def stream_chat(self, messages, max_tokens: int = 300, temperature: float = 0.0):
        self.prompts.append(messages)
        reply = self.replies.pop(0) if self.replies else ""
        for i in range(0, len(reply), 4):
            yield reply[i:i + 4]

    def chat(self, messages, max_tokens: int = 300, temperature: float = 0.0) -> str:
        return "".join(self.stream_chat(messages, max_tokens, temperature))
