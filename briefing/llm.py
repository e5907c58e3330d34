"""Optional LLM takeaways through any OpenAI-compatible chat-completions endpoint.

Ollama, vLLM, llama.cpp's server and hosted APIs all speak ``POST {base_url}/chat/completions``.
The story's sources go in as numbered sentences ([1] ..., [2] ...); the model must answer with
bullets that cite them. A bullet that cites a number that was never given, or no number at all, is
an invented claim, so the whole story falls back to the extractive takeaways -- as does any HTTP
error, timeout, or unreadable answer. Outlets are taken from the cited sentences, so attribution
stays checkable. Answers are cached by a hash of the prompt (story content + model), so a rerun
costs nothing; the cache is two callables (``Store.llm_cache_get`` / ``llm_cache_put``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from .models import Article, Encoder, Outlet, Story, Takeaway

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write Key Takeaways for a news briefing. You get numbered sentences from several outlets "
    "reporting one story. Write {n} takeaways, each one short sentence of at most {words} words, each "
    "stating a different fact, using only what the sentences say. End every takeaway with the numbers "
    "of the sentences that support it, like [2][7]. Answer with one takeaway per line starting with "
    '"- ", nothing else.'
)
_CITE = re.compile(r"\[(\d{1,4})\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


@dataclass
class LLMSettings:
    base_url: str
    model: str
    api_key_env: str = ""
    timeout: float = 60.0
    max_sources: int = 60  # numbered sentences sent per story


def settings_from_config(summarizer: object) -> LLMSettings:
    """LLMSettings from the [summarizer] section (base_url, model, api_key_env, timeout)."""
    return LLMSettings(
        base_url=str(getattr(summarizer, "base_url", "")),
        model=str(getattr(summarizer, "model", "")),
        api_key_env=str(getattr(summarizer, "api_key_env", "") or ""),
        timeout=float(getattr(summarizer, "timeout", 60.0) or 60.0),
    )


class LLMError(Exception):
    """Why an answer was not used; the caller falls back to the extractive takeaways."""


def _sources(story: Story, encoder: Encoder, limit: int, max_words: int) -> list[tuple[str, str, int]]:
    """(sentence, outlet, article index) of the best-ranked sentences, in ranked order."""
    from .summarize import rank_sentences

    r = rank_sentences(story.articles, encoder, max_words=max_words)
    order = r.mmr(min(limit, len(r.sentences)), diversity=True, lam=0.3)
    return [(r.sentences[i].text, r.outlets[i], r.sentences[i].article) for i in order]


def build_messages(sources: Sequence[tuple[str, str, int]], n: int, max_words: int) -> list[dict[str, str]]:
    numbered = "\n".join(f"[{i}] ({outlet}) {text}" for i, (text, outlet, _) in enumerate(sources, 1))
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(n=n, words=max_words)},
        {"role": "user", "content": numbered},
    ]


def cache_key(settings: LLMSettings, messages: list[dict[str, str]]) -> str:
    blob = json.dumps({"model": settings.model, "messages": messages}, sort_keys=True, ensure_ascii=False)
    return "chat1:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def chat(settings: LLMSettings, messages: list[dict[str, str]], *, client: httpx.Client | None = None) -> str:
    """One chat-completions call; the answer's text, or LLMError."""
    headers = {"Content-Type": "application/json"}
    if settings.api_key_env:
        key = os.environ.get(settings.api_key_env, "")
        if not key:
            raise LLMError(f"environment variable {settings.api_key_env} is empty (it should hold the API key)")
        headers["Authorization"] = f"Bearer {key}"
    url = settings.base_url.rstrip("/") + "/chat/completions"
    body = {"model": settings.model, "messages": messages, "temperature": 0}
    try:
        c = client or httpx.Client(timeout=settings.timeout)
        try:
            resp = c.post(url, json=body, headers=headers, timeout=settings.timeout)
        finally:
            if client is None:
                c.close()
    except httpx.HTTPError as exc:
        raise LLMError(f"{url}: {type(exc).__name__}: {exc}") from None
    if resp.status_code != 200:
        raise LLMError(f"{url}: HTTP {resp.status_code}: {resp.text[:200]}")
    try:
        return str(resp.json()["choices"][0]["message"]["content"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(f"{url}: not a chat-completions answer: {resp.text[:200]}") from None


def parse_bullets(answer: str, n_sources: int) -> list[tuple[str, list[int]]]:
    """Bullets with their cited source numbers; LLMError if any bullet cites nothing or a missing source."""
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").split("\n", 1)[-1]
    lines: list[str] = []
    try:  # a JSON list of strings (or {"takeaways": [...]}) is accepted too
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("takeaways") or data.get("bullets") or []
        lines = [str(x.get("text", "") if isinstance(x, dict) else x) for x in data]
    except (ValueError, AttributeError):
        lines = [ln for ln in text.splitlines() if ln.strip()]
    out = []
    for line in lines:
        body = _BULLET.sub("", line).strip()
        cites = [int(c) for c in _CITE.findall(body)]
        if not cites:
            raise LLMError(f"a bullet cites no source: {body[:80]!r}")
        bad = [c for c in cites if not 1 <= c <= n_sources]
        if bad:
            raise LLMError(f"a bullet cites source(s) {bad} that do not exist (1..{n_sources})")
        clean = re.sub(r"\s+", " ", _CITE.sub("", body)).strip().rstrip(" ,;")
        if clean:
            out.append((clean if clean[-1] in ".!?" else clean + ".", list(dict.fromkeys(cites))))
    if not out:
        raise LLMError("the answer has no bullets")
    return out


def llm_takeaways(
    story: Story,
    encoder: Encoder,
    settings: LLMSettings,
    *,
    takeaways: int = 4,
    max_words: int = 35,
    cache_get: Callable[[str], str | None] | None = None,
    cache_put: Callable[[str, str], None] | None = None,
    client: httpx.Client | None = None,
) -> list[Takeaway]:
    """Takeaways written by the model, each attributed to the outlets of the sentences it cites.

    Raises LLMError when the answer cannot be trusted; ``summarize_story_llm`` turns that into the
    extractive fallback.
    """
    sources = _sources(story, encoder, settings.max_sources, max_words)
    if not sources:
        raise LLMError("the story has no sentences to send")
    messages = build_messages(sources, takeaways, max_words)
    key = cache_key(settings, messages)
    answer = cache_get(key) if cache_get else None
    if answer is None:
        answer = chat(settings, messages, client=client)
        bullets = parse_bullets(answer, len(sources))  # validate before caching: a bad answer is retried next run
        if cache_put:
            cache_put(key, answer)
    else:
        bullets = parse_bullets(answer, len(sources))
    articles: list[Article] = story.articles
    out = []
    for text, _cites in bullets:
        if len(text.split()) > 2 * max_words:
            raise LLMError(f"a takeaway has {len(text.split())} words, more than twice the limit of {max_words}")
    for text, cites in bullets[: max(1, min(takeaways, 5))]:
        outlets: dict[str, Outlet] = {}
        for c in cites:
            _, name, ai = sources[c - 1]
            a = articles[ai]
            outlets.setdefault(name, Outlet(name, a.url, a.weight))
        out.append(Takeaway(text, list(outlets.values())))
    return out


def summarize_story_llm(
    story: Story,
    encoder: Encoder,
    settings: LLMSettings,
    *,
    takeaways: int = 4,
    max_words: int = 35,
    cache_get: Callable[[str], str | None] | None = None,
    cache_put: Callable[[str, str], None] | None = None,
    client: httpx.Client | None = None,
) -> Story:
    """The extractive summary (headline, summary, disagreements) with LLM takeaways when they validate.

    Any failure keeps the extractive takeaways and logs a warning saying why.
    """
    from .summarize import summarize_story

    summarize_story(story, encoder, takeaways=takeaways, max_words=max_words)
    try:
        story.takeaways = llm_takeaways(story, encoder, settings, takeaways=takeaways, max_words=max_words,
                                        cache_get=cache_get, cache_put=cache_put, client=client)
    except LLMError as exc:
        log.warning("story %s: LLM takeaways not used, keeping extractive ones: %s", story.id, exc)
    return story
