"""BCubed precision, recall and F1 of a clustering against gold labels (Bagga & Baldwin 1998)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping


def bcubed(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> dict[str, float]:
    """Items in ``gold`` only; an item the prediction lacks counts as a cluster of its own."""
    items = list(gold)
    pred_of = {i: pred.get(i, ("alone", i)) for i in items}
    pair = Counter((pred_of[i], gold[i]) for i in items)
    psize = Counter(pred_of[i] for i in items)
    gsize = Counter(gold[i] for i in items)
    p = sum(pair[(pred_of[i], gold[i])] / psize[pred_of[i]] for i in items) / max(1, len(items))
    r = sum(pair[(pred_of[i], gold[i])] / gsize[gold[i]] for i in items) / max(1, len(items))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
