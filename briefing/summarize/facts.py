"""Facts in sentences (figures, dates, model names) and where outlets disagree on them.

A fact is (key, value): "active parameters" = 32e9, "release date" = March, "Ascend model" =
"910B". Two outlets disagree when each states a value for the same key and their value sets do not
overlap at all; an outlet that mentions both V3 and V4 is discussing two things, not disagreeing.
Sentences that carry facts also score higher as takeaways, because facts are what a reader keeps.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
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

_EFFECT = re.compile(
    r"\b(?:take[sn]?\ effect|took\ effect|taking\ effect|come[s]?\ into\ force|came\ into\ force|effective\ (?:from|on|in)?|"
    r"enter[s]?\ into\ force|appl(?:y|ies)\ from)\b",
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
    rf"\b(?:(?P<part>(?i:early|mid|late|end\ of|the\ end\ of|beginning\ of|start\ of))[\s-]+)?(?P<month>{_MONTH_RE})(?![a-z])\.?"
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


# a bare "$" or "%" says nothing about what is counted: only near-paraphrases are compared
# ("sell for $28,000 per chip" / "will cost $30,000 per unit" is 0.79; two unrelated trade sums 0.64)
GENERIC_KEY_SIMILARITY = 0.70

_TIME_UNITS = {"year", "month", "week", "day", "hour", "minute", "second", "time", "decade", "old", "yard", "point"}


@dataclass(frozen=True)
class Fact:
    key: str  # what the value is about, e.g. "active parameters"
    value: str  # canonical value used for comparison
    shown: str  # the value as printed in the text
    raw: str = ""  # the numeral as written ("28000" for "$28,000"), to find it anywhere in an outlet's text


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
            facts.append(Fact(f"amount in {m.group('cur')}", f"{value:.4g}", amount, num.replace(",", "")))
            continue
        if m.group("pct"):
            rest = m.group("rest") or ""
            key = _unit_key(rest.replace("of ", "", 1)) if rest.strip().lower().startswith("of ") else None
            facts.append(Fact(f"% {key[0]}" if key else "%", f"{value:.4g}", f"{num}%", num.replace(",", "")))
            continue
        rest_words = [w.lower() for w in re.split(r"[\s-]+", (m.group("rest") or "").strip()) if w]
        key = _unit_key(m.group("rest") or "")
        if key is None and len(rest_words) >= 2 and rest_words[0] in ("are", "is", "were", "was") \
                and rest_words[1] in _QUALIFIERS and facts:
            # "480 billion parameters, of which 32 billion are active": the unit is the previous figure's
            unit = facts[-1].key.split()[-1]
            key = (f"{rest_words[1]} {unit}", rest_words[1])
        if not key or not (scale or num[0].isdigit()):
            continue
        k = key[0]
        if " " not in k:
            if len(rest_words) >= 3 and rest_words[1] in ("are", "is", "were", "was") and rest_words[2] in _QUALIFIERS:
                k = f"{rest_words[2]} {k}"  # "32 billion parameters are active"
            elif re.search(r"\bactivat\w*\s*$", sentence[: m.start()], re.IGNORECASE):
                k = f"active {k}"  # "activates 32 billion parameters"
        shown = f"{num} {scale}".strip() if scale and len(scale) > 1 else _fmt(value)
        facts.append(Fact(k, f"{value:.4g}", shown, num.replace(",", "") if num[0].isdigit() else ""))
    for m in _BARE_SCALE.finditer(masked):
        value = _SCALE[m.group("scale").lower()]
        unit = m.group("unit")
        if unit.lower() in _STOP:
            continue
        facts.append(Fact(_stem(unit), f"{value:.4g}", f"1 {m.group('scale').lower()}"))
    return facts


def release_dates(sentence: str) -> list[Fact]:
    """Dates of a launch, a release or rules taking effect.

    "to launch ... in late April" -> Fact('release date', 'april', 'late April');
    "take effect on March 1, 2027" -> Fact('effective date', 'march 1 2027', 'March 1, 2027').
    """
    if _EFFECT.search(sentence):
        key = "effective date"
    elif _RELEASE.search(sentence):
        key = "release date"
    else:
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
        if m.group("day"):
            canon += f" {int(m.group('day'))}"
        if m.group("year"):
            canon += f" {m.group('year')}"
        out.append(Fact(key, canon, m.group(0).strip().rstrip(".,")))
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
    similarity: Callable[[int, int], float],
    *,
    min_similarity: float = 0.45,
    min_date_similarity: float = 0.30,
    numerals: dict[str, set[str]] | None = None,
    max_notes: int = 3,
) -> list[Disagreement]:
    """Keys on which outlets state different values for the same thing.

    ``facts_by_outlet`` maps an outlet to its (fact, sentence index) pairs; ``similarity(i, j)`` is
    the cosine of two sentences. Two outlets disagree on a key when a sentence of each carrying the
    key are each other's closest match (so they are about the same thing: "$28,000 per chip" is
    compared with "$30,000 per unit", not with an analyst's "$35,000" for a rival's part), are at
    least ``min_similarity`` alike, give values that differ (figures by more than 2 %, within a
    factor of 20), and neither outlet states the other's value anywhere (``numerals`` holds every
    number written in each outlet's text, so "it was 78.2" counts as stating 78.2 percent). Two
    sentences naming different versions of one product ("Orion 4" and "Orion 3.5") are about
    different things. Dates of a launch or of rules taking effect are explicit enough to compare at
    ``min_date_similarity``.
    """
    names_in: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    raw_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for items in facts_by_outlet.values():
        for fact, idx in items:
            if fact.key.endswith(" model"):
                names_in[idx][fact.key].add(fact.value)
            if fact.raw:
                raw_of[(fact.key, fact.value)].add(fact.raw)

    def other_versions(i: int, j: int, key: str) -> bool:
        return any(
            not (codes & names_in[j][fam]) for fam, codes in names_in[i].items() if fam in names_in[j] and fam != key
        )

    def written(values: set[str], key: str, outlet: str) -> bool:
        if not numerals:
            return False
        return any(raw in numerals.get(outlet, set()) for v in values for raw in raw_of[(key, v)])

    by_key: dict[str, dict[str, dict[int, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    printed: dict[tuple[str, str], str] = {}
    for outlet, items in facts_by_outlet.items():
        for fact, idx in items:
            by_key[fact.key][outlet][idx].add(fact.value)
            if len(fact.shown) > len(printed.get((fact.key, fact.value), "")):
                printed[(fact.key, fact.value)] = fact.shown  # the most specific way it was written
    found: list[tuple[int, Disagreement]] = []
    for key, outlets in by_key.items():
        if len(outlets) < 2 or key.split()[-1] in _TIME_UNITS:
            continue  # durations and ages ("18 years", "30 days") count too many different things
        stated = {o: set().union(*sents.values()) for o, sents in outlets.items()}
        involved: set[str] = set()
        names = list(outlets)
        for ai, a in enumerate(names):
            for b in names[ai + 1 :]:
                for ia, va in outlets[a].items():
                    ib = max(outlets[b], key=lambda j: similarity(ia, j))
                    if max(outlets[a], key=lambda j: similarity(j, ib)) != ia:
                        continue  # not each other's closest: maybe about different things
                    vb = outlets[b][ib]
                    floor = min_date_similarity if key.endswith(" date") else min_similarity
                    if key == "%" or key.startswith("amount in"):
                        floor = max(floor, GENERIC_KEY_SIMILARITY)  # money and shares count many things
                    if _overlap(va, vb) or similarity(ia, ib) < floor or not _distinct(va, vb):
                        continue
                    if _overlap(vb, stated[a]) or _overlap(va, stated[b]):
                        continue  # each also states the other's value: two things, not a dispute
                    if written(vb, key, a) or written(va, key, b) or other_versions(ia, ib, key):
                        continue
                    involved |= va | vb
        if not involved:
            continue
        every = set().union(*stated.values())
        involved |= {v for v in every if any(_compatible(v, w) for w in involved)}
        by_value: dict[str, list[str]] = defaultdict(list)
        for o in names:
            for v in sorted(stated[o] & involved):
                by_value[v].append(o)
        # "April 10" beside "late April": fold a compatible value into the one more outlets give
        ranked = sorted(by_value, key=lambda v: (-len(by_value[v]), v))
        for i, v in enumerate(ranked):
            if v in by_value and any(_compatible(v, w) for w in ranked[:i] if w in by_value):
                del by_value[v]
        shown = {printed[(key, v)]: os_ for v, os_ in sorted(by_value.items(), key=lambda kv: (-len(kv[1]), kv[0]))}
        found.append((len(outlets), Disagreement(label_of(key), shown)))
    found.sort(key=lambda t: -t[0])
    return [d for _, d in found[:max_notes]]


def _compatible(x: str, y: str) -> bool:
    """Equal values; for dates, "late April" is compatible with "April 28" (one of them is vaguer)."""
    if x == y:
        return True
    px, py = x.split(), y.split()
    if px and py and px[0] in _MONTHS and py[0] in _MONTHS:
        if px[0] != py[0]:
            return False
        dx = [t for t in px[1:] if len(t) <= 2]
        dy = [t for t in py[1:] if len(t) <= 2]
        yx = [t for t in px[1:] if len(t) == 4]
        yy = [t for t in py[1:] if len(t) == 4]
        return (not dx or not dy or dx == dy) and (not yx or not yy or yx == yy)
    return False


def _overlap(a: set[str], b: set[str]) -> bool:
    return any(_compatible(x, y) for x in a for y in b)


def _distinct(a: set[str], b: set[str]) -> bool:
    """Numeric values closer than 2 % are the same figure rounded differently."""
    try:
        fa, fb = {float(x) for x in a}, {float(x) for x in b}
    except ValueError:
        return True
    return all(
        abs(x - y) > 0.02 * max(abs(x), abs(y)) and max(abs(x), abs(y)) <= 20 * max(min(abs(x), abs(y)), 1e-9)
        for x in fa
        for y in fb
    )


def label_of(key: str) -> str:
    """How a fact key reads in a note: "active parameter" -> "active parameters"."""
    if key.endswith((" model", " date")):
        return key
    if key.startswith("amount in"):
        return "the amount"
    if key.startswith("%"):
        return "the percentage" + (f" of {key[2:]}" if len(key) > 2 else "")
    # plural, as readers say it: "active parameters"
    last = key.split()[-1]
    plural = last if last.endswith("s") else (last[:-1] + "ies" if last.endswith("y") else last + "s")
    return " ".join([*key.split()[:-1], plural])
