"""Frames: body sentences that link human rights to weapons, the military or security.

What it extracts: one row per body sentence and frame label (nexus, funding,
diversion, root_cause, military_abuse, counter_frame; definitions in
``tests/gold/GUIDELINES.md`` and in the frame codebook) with ``evidence``,
the cues that made the frame fire, so a reader can see why.

How: every word and phrase lives in the frame codebook (``frames.yml``) as
named *cue sets* (human-rights terms, weapons terms, link phrases such as
"inseparable" or "two sides of the same coin", funding verbs...). One matcher
run over the lower-cased article finds every cue; cues are mapped to their
sentences by ``codebooks.sentence_hits``. Then, for each body sentence that has
cues, each frame's rules are checked: a rule holds when each of its
conditions (a cue set, or any of several, or at least N distinct terms from
them, or a chain of terms from several sets each within N characters of the
one before: ``near``) is met in the sentence, and none of its ``unless`` sets is.

The guideline's context rule: the link may be made with the immediately
preceding sentence of the same paragraph. So for a label that no rule gives
a sentence by itself, a rule of two or more conditions also holds when the
sentence meets all of them but one and the previous sentence of its
paragraph supplies that one (its cues are then listed in the evidence as
``prev:SET=cue``). The sentence always carries part of the frame, and a
label the sentence earns by itself keeps its own evidence: context only
fills in the labels for which the sentence leans on its neighbour.

Only body sentences are read: never titles, headings or photo captions.
The pipeline adds ``speaker`` (the sentence's, with :func:`frame_voices` giving a
statement summed up under a description of a person to the person quoted next).
"""

from __future__ import annotations

import bisect

from ..codebooks import FrameCodebook, Group, Rule, sentence_hits
from ..doc import Doc

COLUMNS = ("source_id", "sent_id", "start", "end", "sentence", "frame", "evidence")

Cues = dict[str, list[tuple[int, int, int]]]   # cue set -> (start, end, term index)


def sentence_cues(doc: Doc, codebook: FrameCodebook) -> dict[int, Cues]:
    """Cues found in each body sentence: sentence index -> cue set -> hits, in text order."""
    out: dict[int, Cues] = {}
    terms = codebook.terms
    for start, end, ti, si in sentence_hits(codebook.matcher, doc, ("body",)):
        out.setdefault(si, {}).setdefault(terms[ti].category, []).append((start, end, ti))
    return out


def _met(group: Group, cues: Cues) -> list[tuple[int, int, int]] | None:
    if group.near:
        return _near(group, cues)
    found = [h for s in group.sets for h in cues.get(s, ())]
    if not found or (group.at_least > 1 and len({h[2] for h in found}) < group.at_least):
        return None
    return found


def _near(group: Group, cues: Cues) -> list[tuple[int, int, int]] | None:
    """The first chain of hits, one per step of `group.near`, each starting where the one
    before starts or later, and at most `group.within` characters after its end (a hit inside
    the one before counts); None if there is none."""
    steps = [sorted(h for s in step for h in cues.get(s, ())) for step in group.near]
    if not all(steps):
        return None
    found = _chain(steps, 0, None, group.within)
    if found is None and not group.ordered:
        found = _chain(steps[::-1], 0, None, group.within)
    return found


def _chain(steps: list, i: int, before, within: int) -> list | None:
    """A hit of each of steps[i:], each within `within` characters after the one before.
    (A module function, not a closure: a recursive closure is a reference cycle, kept
    until the cyclic collector runs, which the analysis pauses.)"""
    if i == len(steps):
        return []
    for h in steps[i]:
        if before is None or before[0] <= h[0] <= before[1] + within:
            rest = _chain(steps, i + 1, h, within)
            if rest is not None:
                return [h, *rest]
    return None


def _union(a: Cues, b: Cues) -> Cues:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out


def rule_evidence(rule: Rule, own: Cues, prev: Cues | None) -> list[tuple[str, tuple]] | None:
    """The (prefix, hit) pairs that make `rule` hold for a sentence, or None.

    `own` are the sentence's cues; `prev` those of the previous sentence of
    the same paragraph (None when the context rule does not apply).
    """
    if any(u in own for u in rule.unless):
        return None
    met = [_met(g, own) for g in rule.groups]
    missing = [i for i, m in enumerate(met) if m is None]
    if not missing:
        return [("", h) for m in met for h in m]
    if prev is None or not rule.context or len(rule.groups) < 2 or len(missing) != 1:
        return None
    i = missing[0]
    if rule.groups[i].near:  # a chain of nearby terms lies within one sentence
        return None
    both = _met(rule.groups[i], _union(own, prev))
    if both is None:
        return None
    own_hits = {id(h) for s in rule.groups[i].sets for h in own.get(s, ())}
    out = []
    for j, m in enumerate(met):
        if j == i:
            out += [("" if id(h) in own_hits else "prev:", h) for h in both]
        else:
            out += [("", h) for h in m]
    return out


def _format(evidence, doc: Doc, codebook: FrameCodebook) -> str:
    seen, parts = set(), []
    for prefix, (s, e, ti) in evidence:
        item = f"{prefix}{codebook.terms[ti].category}={' '.join(doc.text[s:e].split())}"
        if item not in seen:
            seen.add(item)
            parts.append(item)
    return "; ".join(parts)


def find_frames(doc: Doc, codebook: FrameCodebook) -> dict[str, list]:
    """Framed body sentences of `doc`: columns source_id, sent_id, start, end,
    sentence, frame, evidence; one row per sentence and label, in text order."""
    out: dict[str, list] = {c: [] for c in COLUMNS}
    cues = sentence_cues(doc, codebook)
    if not cues:
        return out
    sent_para = doc.sent_para
    plan = _plan(codebook)
    bits = plan["bits"]
    for si in sorted(cues):
        own = cues[si]
        own_mask = 0
        for name in own:
            own_mask |= bits[name]
        found = _frames_of(plan, own_mask, 0, own, None)
        if codebook.previous_sentence and si > 0 and sent_para[si - 1] == sent_para[si]:
            prev = cues.get(si - 1)
            if prev:
                prev_mask = 0
                for name in prev:
                    prev_mask |= bits[name]
                have = {label for label, _ in found}
                found += [f for f in _frames_of(plan, own_mask, prev_mask, own, prev) if f[0] not in have]
        if not found:
            continue
        start, end = doc.sent_start[si], doc.sent_end[si]
        for label, ev in found:
            out["source_id"].append(doc.source_id)
            out["sent_id"].append(Doc.sent_id(si))
            out["start"].append(start)
            out["end"].append(end)
            out["sentence"].append(doc.text[start:end])
            out["frame"].append(label)
            out["evidence"].append(_format(ev, doc, codebook))
    return out


def _plan(codebook: FrameCodebook) -> dict:
    """Bit masks of the cue sets each rule needs, and a cache of which rules can hold
    for a given combination of cue sets present (most sentences can satisfy none)."""
    plan = getattr(codebook, "_plan", None)
    if plan is None:
        bits = {name: 1 << i for i, name in enumerate(codebook.cue_sets)}
        rules = []
        for label, rs in codebook.frames.items():
            for rule in rs:
                # per condition, the masks of which each needs a cue set present (one mask: any
                # of its sets; a `near` condition: one mask per step)
                masks = tuple(tuple(sum(bits[s] for s in step) for step in g.near) if g.near
                              else (sum(bits[s] for s in g.sets),) for g in rule.groups)
                unless = sum(bits[u] for u in rule.unless)
                rules.append((label, rule, masks, unless))
        plan = {"bits": bits, "rules": rules, "cache": {}}
        codebook._plan = plan
    return plan


def _frames_of(plan: dict, own_mask: int, prev_mask: int, own: Cues,
               prev: Cues | None) -> list[tuple[str, list]]:
    """(label, evidence of its first rule that holds) for every frame that fires."""
    key = (own_mask, prev_mask)
    candidates = plan["cache"].get(key)
    if candidates is None:
        candidates = []
        for label, rule, masks, unless in plan["rules"]:
            if own_mask & unless:
                continue
            lacking = [m for m in masks if not all(own_mask & step for step in m)]
            if not lacking or (prev is not None and rule.context and len(masks) >= 2 and len(lacking) == 1
                               and len(lacking[0]) == 1 and (own_mask | prev_mask) & lacking[0][0]):
                candidates.append((label, rule))
        plan["cache"][key] = candidates
    found, done = [], set()
    for label, rule in candidates:
        if label in done:
            continue
        ev = rule_evidence(rule, own, prev)
        if ev is not None:
            found.append((label, ev))
            done.add(label)
    return found


STAND_INS = ("desc", "unnamed")   # person keys of a description ("an official"), naming nobody


def frame_voices(doc: Doc, persons: list, quotes: list, owner: list[int], frames: dict,
                 category) -> list[int]:
    """`owner` (local person per sentence) with each framed sentence that a description of
    a person speaks ("an official said", "a senior diplomat told reporters") given to the
    named person whose quote comes next in the article, when that person speaks for the
    same side (`category(person)`, the role category, is the same): news writing sums a
    statement up under a description first and names its author with the quote. A
    description quoted before anyone else keeps its sentences; institutions and states
    ("North Korea said", "the UN office said") keep theirs."""
    framed = sorted({int(s[1:]) - 1 for s in frames.get("sent_id", ())})
    if not framed or not quotes:
        return owner
    spoken = sorted((q.start, q.cluster) for q in quotes if q.cluster >= 0)
    starts = [a for a, _ in spoken]
    out = list(owner)
    for s in framed:
        o = owner[s]
        if o < 0 or persons[o].key[0] not in STAND_INS or persons[o].kind != "person":
            continue
        k = bisect.bisect_left(starts, doc.sent_start[s])
        if k == len(spoken):
            continue
        nxt = spoken[k][1]
        p = persons[nxt]
        if nxt != o and p.kind == "person" and p.key[0] not in (*STAND_INS, "org") \
                and category(p) == category(persons[o]):
            out[s] = nxt
    return out
