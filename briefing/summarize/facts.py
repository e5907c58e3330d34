"""Facts in sentences (figures, dates, model names) and where outlets disagree on them.

A fact is (key, value): "active parameters" = 32e9, "release date" = March, "Ascend model" =
"910B". Two outlets disagree when each states a value for the same key and their value sets do not
overlap at all; an outlet that mentions both V3 and V4 is discussing two things, not disagreeing.
Sentences that carry facts also score higher as takeaways, because facts are what a reader keeps.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..models import Disagreement

_SCALE = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "t": 1e12,
}
_WORDNUM = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "fifty": 50, "hundred": 100,
}
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
]
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"

# Adjectives that change what a figure counts ("active parameters" is not "parameters").
_QUALIFIERS = {
    "active", "new", "additional", "annual", "monthly", "weekly", "daily", "paid", "registered", "unique",
    "daily-active", "monthly-active", "peak", "net", "gross", "quarterly", "operating", "trainable",
}
_IGNORED_QUALIFIERS = {"total", "overall", "roughly", "about", "around", "some", "nearly", "over", "more", "than"}
_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "with", "and", "or", "per", "from", "as",
    "is", "are", "was", "were", "be", "that", "this", "its", "their", "his", "her", "it", "than", "into",
    "s", "each", "every", "which", "who", "while", "after", "before", "since", "across", "under", "up",
}
_RELEASE = re.compile(
    r"\b(?:launch\w*|releas\w*|debut\w*|unveil\w*|roll(?:s|ed|ing)?\ out|ship(?:s|ped|ping)?|"
    r"go(?:es)?\ on\ sale|arriv\w*|introduc\w*\ (?:its|the|a)\ )",
    re.IGNORECASE | re.VERBOSE,
)

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_QTY = re.compile(
    rf"(?P<cur>[$€£¥])?\s?(?<![\w.,-])(?P<num>{_NUM}|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundred)"
    r"(?=[\s-](?:thousand|million|billion|trillion)\b))"
    r"(?:[\s-]?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])\b)?"
    r"(?P<pct>\s?%|\s?percent\b)?"
    r"(?P<rest>(?:[\s-]+[A-Za-z][\w'’-]*){0,3})",
    re.IGNORECASE,
)
# "trillion-parameter", "million-token" with no numeral: one of that scale.
_BARE_SCALE = re.compile(r"(?<![\w-])(?:a\s)?(?P<scale>thousand|million|billion|trillion)-(?P<unit>[a-z]+)", re.IGNORECASE)
_DATE = re.compile(
    rf"\b(?:(?P<part>(?i:early|mid|late|end\ of|the\ end\ of|beginning\ of|start\ of))[\s-]+)?(?P<month>{_MONTH_RE})\.?"
    r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<year>(?:19|20)\d{2}))?",
    re.VERBOSE,
)
# A product or model code after a capitalised family name: "Ascend 910B", "GPT-4", "Claude 3".
_MODEL = re.compile(r"\b(?P<family>[A-Z][A-Za-z]{1,20})[\s-](?P<code>[A-Z]{0,3}\d+(?:\.\d+)?[A-Za-z0-9]{0,4})\b(?![-%])")
_NOT_FAMILY = set(m.capitalize() for m in _MONTHS) | {
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Section",
    "Article", "Chapter", "Page", "Top", "Day", "Week", "Year", "Level", "Phase", "Tier", "Round", "Fig",
    "Figure", "Table", "Group", "Stage", "Category", "Covid", "The", "A", "In", "On", "At", "By", "Over",
    "About", "Some", "Around", "Nearly", "Only", "All", "And", "Of", "Up", "To",
}


_TIME_UNITS = {"year", "month", "week", "day", "hour", "minute", "second", "time", "decade", "old", "yard", "point"}


@dataclass(frozen=True)
class Fact:
    key: str  # what the value is about, e.g. "active parameters"
    value: str  # canonical value used for comparison
    shown: str  # the value as printed in the text


def _stem(word: str) -> str:
    w = word.lower().strip("'’")
    for suf in ("ies", "es", "s"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w


def _fmt(value: float) -> str:
    for scale, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= scale:
            v = value / scale
            return f"{v:g} {name}"
    return f"{value:g}"


def _unit_key(rest: str) -> tuple[str, str] | None:
    """(key, printable key) from the words after a number, or None when nothing is counted."""
    words = [w for w in re.split(r"[\s-]+", rest.strip()) if w]
    words = [w for w in words if w.lower() not in _IGNORED_QUALIFIERS]
    if not words:
        return None
    first = words[0].lower().strip("'’")
    if first in _STOP or not first.isalpha() or words[0][0].isupper():
        return None  # "in 2024", "to GPT-4", a name ("5 Guys") rather than a unit
    if first in _QUALIFIERS and len(words) > 1 and words[1].lower() not in _STOP:
        return f"{first} {_stem(words[1])}", f"{first} {words[1].lower()}"
    return _stem(first), first


def quantities(sentence: str) -> list[Fact]:
    """Counted figures: "32 billion active parameters" -> Fact('active parameter', '3.2e+10', '32 billion')."""
    facts: list[Fact] = []
    masked = _DATE.sub(lambda m: " " * len(m.group(0)), sentence)  # "March 4" is a date, not 4 of something
    masked = _MODEL.sub(lambda m: m.group("family") + " " * (len(m.group(0)) - len(m.group("family"))), masked)
    for m in _QTY.finditer(masked):
        num, scale = m.group("num"), (m.group("scale") or "").lower()
        if num.lower() in _WORDNUM:
            value = float(_WORDNUM[num.lower()])
        else:
            value = float(num.replace(",", ""))
            if not scale and 1900 <= value <= 2100 and "." not in num:
                continue  # a year
        before = sentence[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"(?:tens|hundreds|dozens|thousands)\s+of\s*$", before):
            continue  # vague
        value *= _SCALE.get(scale, 1.0)
        if m.group("cur"):
            amount = f"{m.group('cur')}{num}" + (f" {scale}" if len(scale) > 1 else scale)
            facts.append(Fact(f"amount in {m.group('cur')}", f"{value:.4g}", amount))
            continue
        if m.group("pct"):
            rest = m.group("rest") or ""
            key = _unit_key(rest.replace("of ", "", 1)) if rest.strip().lower().startswith("of ") else None
            facts.append(Fact(f"% {key[0]}" if key else "%", f"{value:.4g}", f"{num}%"))
            continue
        key = _unit_key(m.group("rest") or "")
        if not key or not (scale or num[0].isdigit()):
            continue
        shown = f"{num} {scale}".strip() if scale and len(scale) > 1 else _fmt(value)
        facts.append(Fact(key[0], f"{value:.4g}", shown))
    for m in _BARE_SCALE.finditer(masked):
        value = _SCALE[m.group("scale").lower()]
        unit = m.group("unit")
        if unit.lower() in _STOP:
            continue
        facts.append(Fact(_stem(unit), f"{value:.4g}", f"1 {m.group('scale').lower()}"))
    return facts


def release_dates(sentence: str) -> list[Fact]:
    """Dates of a launch or release: "to launch ... in late April" -> Fact('release date', 'april', 'late April')."""
    if not _RELEASE.search(sentence):
        return []
    out = []
    for m in _DATE.finditer(sentence):
        before = sentence[: m.start()].strip().lower()
        if before in ("in", "back in", "since", "earlier in", "last") or before.endswith(("last", "since", "previous")):
            continue  # background: "In July, North Korea test-launched its first ICBM"
        month = m.group("month").lower().rstrip(".")
        canon = next((mm for mm in _MONTHS if mm.startswith(month[:3])), month)
        if canon == "may" and not (m.group("day") or m.group("part")):
            continue  # the verb "may"
        out.append(Fact("release date", canon, m.group(0).strip().rstrip(".,")))
    return out


def model_names(sentence: str) -> list[Fact]:
    """Product and model codes: "Huawei's Ascend 910B" -> Fact('Ascend model', '910b', 'Ascend 910B')."""
    out = []
    for m in _MODEL.finditer(sentence):
        family, code = m.group("family"), m.group("code")
        if family in _NOT_FAMILY or (code.isdigit() and len(code) == 4 and code[:2] in ("19", "20")):
            continue
        if code.isdigit() and re.match(r"[\s-]*(?:thousand|million|billion|trillion|%|percent)", sentence[m.end() :], re.I):
            continue  # "Rumored 1 million tokens" is a quantity
        if not sentence[: m.start()].strip() and not (re.search(r"[a-z][A-Z]", family) or family.isupper()):
            continue  # "If V4 ...", "Launches V4": an ordinary word that opens the sentence
        if m.start() > 0 and sentence[: m.start()].rstrip().endswith(("'s", "’s")) is False and family.lower() in _STOP:
            continue
        out.append(Fact(f"{family} model", code.lower(), m.group(0)))
    return out


def sentence_facts(sentence: str) -> list[Fact]:
    """Every fact in a sentence, each (key, value) once."""
    seen: dict[tuple[str, str], Fact] = {}
    for f in quantities(sentence) + release_dates(sentence) + model_names(sentence):
        seen.setdefault((f.key, f.value), f)
    return list(seen.values())


def fact_tokens(sentence: str) -> set[str]:
    """Names, numbers and dates in a sentence: what makes it informative and what outlets share."""
    toks = set()
    for w in re.findall(r"[A-Za-z][\w'’.-]*|\d[\d,.]*", sentence):
        w = w.rstrip(".,")
        if w[:1].isdigit():
            toks.add(w.replace(",", ""))
        elif w[:1].isupper() and w.lower() not in _STOP:
            toks.add(w.lower().split("'")[0].split("’")[0])
    for f in sentence_facts(sentence):
        toks.add(f"{f.key}={f.value}")
    return toks


def disagreements(
    facts_by_outlet: dict[str, list[tuple[Fact, int]]],
    related: callable,
    *,
    max_notes: int = 3,
) -> list[Disagreement]:
    """Keys on which two outlets give values that do not overlap.

    ``facts_by_outlet`` maps an outlet to its (fact, sentence index) pairs; ``related(i, j)`` says
    whether two sentences talk about the same thing (embedding similarity), so "5 sites" in one
    context and "7 sites" in an unrelated one are not called a disagreement.
    """
    by_key: dict[str, dict[str, list[tuple[Fact, int]]]] = defaultdict(lambda: defaultdict(list))
    for outlet, items in facts_by_outlet.items():
        for fact, idx in items:
            by_key[fact.key][outlet].append((fact, idx))
    found: list[tuple[int, Disagreement]] = []
    for key, outlets in by_key.items():
        if len(outlets) < 2 or key.split()[-1] in _TIME_UNITS:
            continue  # durations and ages ("18 years", "30 days") count too many different things
        values = {o: {f.value for f, _ in items} for o, items in outlets.items()}
        if any(len(v) > 2 for v in values.values()):
            continue  # one outlet giving three values for a key: the key is not one fact
        names = list(outlets)
        conflict = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if values[a] & values[b] or not _distinct(values[a], values[b]):
                    continue
                if any(related(ia, ib) for _, ia in outlets[a] for _, ib in outlets[b]):
                    conflict = True
        if not conflict:
            continue
        shown: dict[str, list[str]] = {}
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for o in names:
            groups[frozenset(values[o])].append(o)
        # every outlet with a value of its own; shared values name all their outlets
        by_value: dict[str, list[str]] = defaultdict(list)
        printed: dict[str, str] = {}
        for o, items in outlets.items():
            for f, _ in items:
                printed.setdefault(f.value, f.shown)
                if o not in by_value[f.value]:
                    by_value[f.value].append(o)
        for value, os_ in sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown[printed[value]] = os_
        label = label_of(key)
        found.append((len(outlets), Disagreement(label, shown)))
    found.sort(key=lambda t: -t[0])
    return [d for _, d in found[:max_notes]]


def _distinct(a: set[str], b: set[str]) -> bool:
    """Numeric values closer than 2 % are the same figure rounded differently."""
    try:
        fa, fb = {float(x) for x in a}, {float(x) for x in b}
    except ValueError:
        return True
    return all(abs(x - y) > 0.02 * max(abs(x), abs(y)) for x in fa for y in fb)


def label_of(key: str) -> str:
    """How a fact key reads in a note: "active parameter" -> "active parameters"."""
    if key.endswith(" model") or key == "release date":
        return key
    if key.startswith("amount in"):
        return "the amount"
    if key.startswith("%"):
        return "the percentage" + (f" of {key[2:]}" if len(key) > 2 else "")
    # plural, as readers say it: "active parameters"
    last = key.split()[-1]
    plural = last if last.endswith("s") else (last[:-1] + "ies" if last.endswith("y") else last + "s")
    return " ".join([*key.split()[:-1], plural])
