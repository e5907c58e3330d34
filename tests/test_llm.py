"""LLM takeaways against a real loopback server speaking the chat-completions protocol."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from briefing.llm import LLMError, LLMSettings, llm_takeaways, parse_bullets, summarize_story_llm
from briefing.models import Article
from briefing.store import Store
from briefing.summarize import story_from_articles, summarize_story


class ChatServer:
    """Answers POST /v1/chat/completions; what it answers depends on the requested model name."""

    def __init__(self):
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    self.send_response(404)
                    self.end_headers()
                    return
                model = body["model"]
                if model == "broken":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"internal error")
                    return
                if model == "slow":
                    time.sleep(2)
                n = body["messages"][1]["content"].count("\n") + 1  # numbered sentences sent
                if model == "bad-cite":
                    content = f"- DeepSeek V4 has one trillion parameters. [1]\n- It was made on the Moon. [{n + 5}]"
                elif model == "no-cite":
                    content = "- DeepSeek V4 has one trillion parameters.\n- It runs on Ascend chips. [2]"
                elif model == "json":
                    content = json.dumps(["Acme ships the Rocket 5 on March 3 [1][2]", "It costs $799 [3]"])
                else:
                    content = "- The Rocket 5 phone ships on March 3. [1][2]\n- It costs $799. [3]\n- It has a 6.1-inch screen. [2]"
                data = json.dumps({"id": "x", "object": "chat.completion", "model": model,
                                   "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                                "finish_reason": "stop"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server():
    s = ChatServer()
    yield s
    s.close()


def story():
    a = Article(None, "a", "A", "Alpha News", "https://a.example/1", "Acme ships Rocket 5 phone",
                "Acme will ship the Rocket 5 phone on March 3 with a 6.1-inch screen. It costs $799 in the US. "
                "Preorders open on Friday in twelve countries.")
    b = Article(None, "b", "B", "Beta Times", "https://b.example/1", "Acme Rocket 5 launches",
                "The Rocket 5 phone from Acme launches on March 3. The phone has a 6.1-inch screen and costs $799. "
                "Acme expects to sell ten million units in the first year.")
    return story_from_articles([a, b])


def test_takeaways_cite_sources_and_name_their_outlets(server, encoder):
    s = story()
    got = llm_takeaways(s, encoder, LLMSettings(server.url, "good"), takeaways=3)
    assert [t.text for t in got] == ["The Rocket 5 phone ships on March 3.", "It costs $799.", "It has a 6.1-inch screen."]
    assert all(t.outlets and {o.name for o in t.outlets} <= {"Alpha News", "Beta Times"} for t in got)
    sent = server.requests[0]
    assert sent["model"] == "good" and sent["messages"][0]["role"] == "system"
    assert sent["messages"][1]["content"].startswith("[1] (")  # numbered sources with their outlet


def test_rerun_hits_the_cache_in_sqlite(server, encoder, tmp_path):
    store = Store(tmp_path / "b.sqlite")
    settings = LLMSettings(server.url, "good")
    first = summarize_story_llm(story(), encoder, settings, cache_get=store.llm_cache_get, cache_put=store.llm_cache_put)
    assert len(server.requests) == 1
    store2 = Store(tmp_path / "b.sqlite")  # a new process: the cache is durable
    second = summarize_story_llm(story(), encoder, settings, cache_get=store2.llm_cache_get, cache_put=store2.llm_cache_put)
    assert len(server.requests) == 1  # no second request
    assert [t.text for t in first.takeaways] == [t.text for t in second.takeaways]
    assert first.takeaways[0].text == "The Rocket 5 phone ships on March 3."


@pytest.mark.parametrize("model", ["bad-cite", "no-cite", "broken"])
def test_untrustworthy_answer_falls_back_to_extractive(server, encoder, model, tmp_path):
    store = Store(tmp_path / "b.sqlite")
    extractive = [t.text for t in summarize_story(story(), encoder, takeaways=3).takeaways]
    s = summarize_story_llm(story(), encoder, LLMSettings(server.url, model), takeaways=3,
                            cache_get=store.llm_cache_get, cache_put=store.llm_cache_put)
    assert [t.text for t in s.takeaways] == extractive
    assert store.count("llm_cache") == 0  # a rejected answer is not cached
    assert len(server.requests) == 1


def test_timeout_falls_back(server, encoder):
    extractive = [t.text for t in summarize_story(story(), encoder, takeaways=3).takeaways]
    t0 = time.monotonic()
    s = summarize_story_llm(story(), encoder, LLMSettings(server.url, "slow", timeout=0.5), takeaways=3)
    assert time.monotonic() - t0 < 10
    assert [t.text for t in s.takeaways] == extractive


def test_no_server_falls_back(encoder):
    s = summarize_story_llm(story(), encoder, LLMSettings("http://127.0.0.1:9/v1", "good", timeout=2), takeaways=3)
    assert 1 <= len(s.takeaways) <= 3 and s.headline


def test_api_key_from_named_env_var(server, encoder, monkeypatch):
    monkeypatch.setenv("BRIEFING_TEST_LLM_KEY", "sekrit")
    llm_takeaways(story(), encoder, LLMSettings(server.url, "json", api_key_env="BRIEFING_TEST_LLM_KEY"))
    assert server.headers[0].get("Authorization") == "Bearer sekrit"
    monkeypatch.delenv("BRIEFING_TEST_LLM_KEY")
    with pytest.raises(LLMError, match="BRIEFING_TEST_LLM_KEY"):
        llm_takeaways(story(), encoder, LLMSettings(server.url, "json", api_key_env="BRIEFING_TEST_LLM_KEY"))


def test_parse_bullets():
    assert parse_bullets("1. Alpha [1][2]\n2) Beta [3]", 3) == [("Alpha.", [1, 2]), ("Beta.", [3])]
    assert parse_bullets('{"takeaways": ["Gamma [2]"]}', 2) == [("Gamma.", [2])]
    with pytest.raises(LLMError, match="do not exist"):
        parse_bullets("- Alpha [4]", 3)
    with pytest.raises(LLMError, match="no source"):
        parse_bullets("- Alpha", 3)
    with pytest.raises(LLMError):
        parse_bullets("", 3)


def test_settings_from_config(server, encoder):
    from briefing.config import load_config
    from briefing.llm import settings_from_config

    cfg = load_config(None, overrides={"summarizer": {"kind": "llm", "base_url": server.url, "model": "good",
                                                      "api_key_env": "", "timeout": 5.0}})
    settings = settings_from_config(cfg.summarizer)
    assert settings.base_url == server.url and settings.model == "good" and settings.timeout == 5.0
    got = llm_takeaways(story(), encoder, settings, takeaways=3)
    assert len(got) == 3


def test_overlong_bullet_is_rejected(server, encoder):
    with pytest.raises(LLMError, match="twice the limit"):
        llm_takeaways(story(), encoder, LLMSettings(server.url, "good"), max_words=2)


def test_the_runs_summarizer_dispatches_on_kind(server, encoder, tmp_path):
    from briefing.config import load_config
    from briefing.pipeline import summarize_many
    from briefing.progress import Reporter

    store = Store(tmp_path / "b.sqlite")
    ext = load_config(None, overrides={"summarizer": {"takeaways": 3}})
    out = [story()]
    summarize_many(out, encoder, ext, store, Reporter(quiet=True))
    assert len(server.requests) == 0 and out[0].takeaways and out[0].headline
    llm = load_config(None, overrides={"summarizer": {"kind": "llm", "base_url": server.url, "model": "good", "takeaways": 3}})
    out = [story(), story()]
    summarize_many(out, encoder, llm, store, Reporter(quiet=True))
    assert len(server.requests) == 1  # the second, identical story is answered from the cache
    assert out[1].takeaways[0].text == "The Rocket 5 phone ships on March 3."
