"""Article text -> candidate sentences, with page furniture filtered out first.

Extracted article text still carries what the page put around the report: share prompts,
"Related Articles", newsletter and app-store blurbs, bylines, reading-time counters, photo
captions, section labels. None of it may become a takeaway, so it is removed line by line before
sentences are split. The rules come from what real captured articles contain (the five seed
articles carry every kind). A numbered "Key Takeaways" list inside an article is content: only
its bullet and enumerator ("• 1DeepSeek ...") are stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole lines that are page furniture (matched case-insensitively against the stripped line).
_FURNITURE_LINE = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?content
      | share(?:\ (?:this|article|story|on\ \w+))?\s*:?
      | (?:tweet|email|print|copy\ link|facebook|twitter|linkedin|whatsapp|reddit)
      | related(?:\ (?:articles?|stories|posts|coverage|reading))?\s*:?
      | no\ related\ articles?\ found
      | (?:read|see)\ (?:more|also|next)\b.*
      | (?:recommended|trending|most\ read|popular|more\ from\ .*|you\ (?:may|might)\ also\ like.*)
      | advertisement|sponsored(?:\ content)?
      | download\ on\ the\ app\ store|get\ it\ on\ google\ play|available\ on\ the\ app\ store
      | (?:shared|sent)\ from\ .*
      | (?:by|written\ by|reporting\ by|edited\ by)\ [A-Z].{0,60}
      | .{0,40}\b(?:editorial|staff|newsroom|desk)
      | (?:\d+\ )?(?:min(?:ute)?s?\ read|views?|comments?)\b.*
      | .*\b\d+\ min(?:ute)?s?\ read\b.*
      | (?:photo|image|picture|illustration|credit|source)\s*:.*
      | (?:updated|published|posted)\s*:?\ .{0,40}
      | all\ rights\ reserved.*|©.*|copyright\ .*
      | (?:sign\ up|subscribe)\b.*
      | (?:get\ (?:your|our|the)\ .{0,40}(?:briefing|newsletter|digest|app))
      | [^\w]*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Sentences that promote the outlet itself rather than report. Only whole phrases: "you" and
# "download" in one sentence is often news ("you'll never download a game again").
_PROMO = re.compile(
    r"\b(?:sign\ up|subscribe)\ (?:to|for)\ (?:our|the|my)\b.{0,40}\b(?:newsletter|briefing|digest|podcast|channel|list)"
    r"|\bsubscribe\ (?:now|today|here)\b|\b(?:sign\ up|subscribe)\ (?:now|today|here)\b"
    r"|\bdownload\ (?:our|the)\ (?:free\ )?app\b|\bdownload\ on\ the\ app\ store\b|\bget\ it\ on\ google\ play\b"
    r"|\bget\ (?:your|our)\ (?:own\ )?(?:free\ )?(?:daily\ |weekly\ )?(?:briefing|newsletter|digest)\b"
    r"|\bfollow\ us\ on\b|\bbe\ the\ smartest\b|\bin\ your\ inbox\b"
    r"|\bdelivers\ (?:personali[sz]ed|tailored|curated)\b|\btailored\ to\ your\b"
    r"|\b(?:click|tap)\ here\b",
    re.IGNORECASE | re.VERBOSE,
)

# Photo captions: a description of a picture, not a claim ("Close-up of ..., showcasing ...").
_CAPTION = re.compile(
    r"^(?:close-?up|a\ close-?up|file\ photo|photo|image|picture|illustration|pictured|a\ (?:view|photo|picture|"
    r"screenshot)\ of|an?\ (?:\w+\ ){0,3}(?:photo|image|illustration|screenshot)\ (?:of|shows|showing))\b"
    r"|^[A-Z][\w-]*(?:\ [\w-]+){0,8}\ of\ (?:an?|the)\ [^.]{0,120},\ (?:showcasing|depicting|displaying)\b"
    r"|\((?:photo|image|credit)[^)]*\)|\b(?:getty\ images|shutterstock|ap\ photo|afp\ via|/reuters\b)",
    re.IGNORECASE | re.VERBOSE,
)

_BULLET = re.compile(r"^\s*(?:[•·▪◦‣∙*\-–—]|\d{1,2}[.)])\s*")
_GLUED_ENUM = re.compile(r"^\d{1,2}(?=[A-Z][a-z])")  # "1DeepSeek V4 will..." from a numbered list

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "llc", "vs", "etc", "no", "fig", "approx", "est", "dept", "univ",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "e.g", "i.e", "a.m", "p.m", "fla", "calif", "wash", "mass", "d.c",
}
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass
class Sentence:
    """One candidate sentence and where it came from."""

    text: str
    article: int  # index into the story's article list
    position: int  # index of the sentence within its article (0 = lead)
    is_list_item: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())


def clean_line(line: str) -> tuple[str, bool]:
    """Strip bullets and glued enumerators; return (text, was_a_list_item)."""
    stripped = line.strip()
    m = _BULLET.match(stripped)
    item = bool(m) and m.end() > 0 and not re.match(r"^\d{1,2}[.)]\d", stripped)
    if item:
        stripped = stripped[m.end() :]
    g = _GLUED_ENUM.match(stripped)
    if g:
        stripped = stripped[g.end() :]
        item = True
    return stripped.strip(), item


def is_furniture_line(line: str) -> bool:
    """True for a whole line that is page furniture (share prompt, byline, counter, promo...)."""
    s = line.strip()
    if not s:
        return True
    return bool(_FURNITURE_LINE.match(s)) or (len(s.split()) <= 30 and bool(_PROMO.search(s)))


def is_furniture_sentence(sentence: str) -> bool:
    """True for a sentence that is promo or a photo caption, even inside a content line."""
    return bool(_PROMO.search(sentence)) or bool(_CAPTION.search(sentence))


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, keeping abbreviations (Mr., U.S., Fla.) intact."""
    paragraph = re.sub(r"\s+", " ", paragraph).strip()
    if not paragraph:
        return []
    parts: list[str] = []
    start = 0
    for m in _SPLIT.finditer(paragraph):
        before = paragraph[start : m.start()].rstrip("\"'”’)]")
        last = before.split()[-1].rstrip(".").lower() if before.split() else ""
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue  # "Mr. Kim", "J. Smith"
        parts.append(paragraph[start : m.start()].strip())
        start = m.end()
    parts.append(paragraph[start:].strip())
    return [p for p in parts if p]


def _is_heading(line: str, item: bool) -> bool:
    """Short unpunctuated lines are headings, labels or bylines ("Why It Matters", "TD")."""
    words = line.split()
    if item:
        return len(words) < 5
    return len(words) < 8 and not re.search(r"[.!?:;][\"'”’)]*$", line)


def article_sentences(text: str, article: int, *, title: str = "", min_words: int = 6) -> list[Sentence]:
    """Content sentences of one article, furniture removed, in reading order."""
    out: list[Sentence] = []
    pos = 0
    title_norm = _norm(title)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw in text.split("\n"):
        if is_furniture_line(raw):
            continue
        line, item = clean_line(raw)
        if not line or is_furniture_line(line) or _is_heading(line, item):
            continue
        if title_norm and _norm(line) == title_norm:
            continue  # the title repeated in the body
        for sent in split_sentences(line):
            if len(sent.split()) < min_words or is_furniture_sentence(sent):
                continue
            out.append(Sentence(sent, article, pos, item))
            pos += 1
    return out


def title_and_body(text: str) -> tuple[str, str]:
    """The first real line (not furniture, at least four words) is the title; the rest is the body.

    For plain-text captures such as the seed articles, whose first line may be the outlet's name or
    "Skip to main content".
    """
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if s and not is_furniture_line(s) and len(s.split()) >= 4:
            return s, "\n".join(lines[i + 1 :])
    return "", text


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()
