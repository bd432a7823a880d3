"""Speakers across the corpus: one row per real person.

The per-article step (:mod:`nkhr.extract.quotes`) finds each article's
people; this step joins them across articles by their name key (Korean
family names mapped to one romanization, given names folded, order and
hyphens ignored). A person named by one name only joins the one person of
the corpus whose full name ends in it, if there is exactly one, and never
when that name is a Korean family name. A name written in Hangul joins the
English spelling of the same person
(:func:`nkhr.extract.korean.cross_script_pairs`). The speaker registry
(``speakers.yml``) is applied on top: an entry's aliases join every person
they name into one, and its name, role and category win.

Role categories come from the ``roles`` codebook: its rules are tried in
order against everything the articles say about the person (titles before the
name, appositions after it, ``who ...`` clauses, what the person did, an
unnamed speaker's sentence: :func:`role_category`); a person described as a
defector anywhere is a defector.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from ..codebooks import load_yaml, locate
from ..errors import CodebookError
from .korean import cross_script_pairs, has_hangul
from .names import Lexicon, Mention, clean_token, korean_parts, name_key

CATEGORIES = ("defector", "government", "un", "ngo", "diplomat", "dprk", "expert", "other")


@dataclass(frozen=True)
class Roles:
    rules: tuple  # (category, compiled pattern, what it reads: "said", "deeds" or "context")
    sha256: str


@cache
def load_roles(path: str | None = None) -> Roles:
    p = locate("roles", path)
    data, digest = load_yaml(p)
    rules = []
    for i, rule in enumerate((data or {}).get("rules") or []):
        line = getattr(data["rules"], "item_lines", [None] * (i + 1))[i]
        cat = rule.get("category") if isinstance(rule, dict) else None
        if cat not in CATEGORIES:
            raise CodebookError(str(p), f"unknown role category {cat!r}; use one of {CATEGORIES}", line)
        patterns = rule.get("patterns") or []
        if rule.get("deeds") and rule.get("context"):
            raise CodebookError(str(p), "a rule reads either the deeds or the context, not both", line)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as e:
                raise CodebookError(str(p), f"invalid regex {pattern!r}: {e}", line) from None
        if patterns:  # a rule's patterns as one regex, read over all of a person's texts at once
            rules.append((cat, re.compile("|".join(f"(?:{x})" for x in patterns), re.IGNORECASE | re.MULTILINE),
                          "deeds" if rule.get("deeds") else "context" if rule.get("context") else "said"))
    return Roles(tuple(rules), digest)


@dataclass(frozen=True)
class Registry:
    entries: tuple  # dicts: name, aliases, role, role_category, affiliation
    sha256: str


@cache
def load_registry(path: str | None = None) -> Registry:
    p = locate("speakers", path)
    data, digest = load_yaml(p)
    entries = (data or {}).get("speakers") or []
    if not isinstance(entries, list):
        raise CodebookError(str(p), "'speakers' must be a list of entries")
    lines = getattr(entries, "item_lines", [None] * len(entries))
    out = []
    for entry, line in zip(entries, lines, strict=False):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise CodebookError(str(p), "each speaker needs a 'name'", line)
        cat = entry.get("role_category")
        if cat is not None and cat not in CATEGORIES:
            raise CodebookError(str(p), f"unknown role_category {cat!r}; use one of {CATEGORIES}", line)
        out.append(dict(entry))
    return Registry(tuple(out), digest)


def key_of_name(name: str, lex: Lexicon) -> tuple:
    """The name key of a name written as text ("Park Min-seok", "Jane Doe", "박민석")."""
    if has_hangul(name):
        return ("hangul", " ".join(name.split()))
    tokens = tuple(clean_token(t) for t in name.split() if t.lower() not in lex.titles)
    m = Mention(0, len(name), name, tokens, "name")
    m.korean = korean_parts(tokens, lex)
    return name_key(m, lex)


def role_category(texts: list[str], roles: Roles) -> str:
    """The category of the first rule whose pattern matches one of `texts` (the roles and
    descriptions the articles give a person, and its name). Texts starting "deed: " (what
    the person did, e.g. "defected in 2009") are read by the rules marked `deeds:
    true`, and only by them; "context: " (the sentence that introduces an unnamed
    speaker) by the rules marked `context: true`, in their turn, and by the others only
    when nothing else decides."""
    texts = list(dict.fromkeys(t.replace("\n", " ") for t in texts if t))  # one text a line:
    tiers = {"said": "\n".join(t for t in texts if not t.startswith(("deed: ", "context: "))),  # ^ is a
             "deeds": "\n".join(t for t in texts if t.startswith("deed: ")),                  # text's start
             "context": "\n".join(t for t in texts if t.startswith("context: "))}
    for cat, pattern, reads in roles.rules:
        if pattern.search(tiers[reads]):
            return cat
    for cat, pattern, reads in roles.rules:  # an unnamed speaker's sentence counts only if
        if reads == "said" and pattern.search(tiers["context"]):  # nothing else does (the rules
            return cat                                            # reading it were tried above)
    return "other"


_AFFILIATION = re.compile(r"\b(?:of|at|for|from)\s+(?:the\s+)?([A-Z][\w’'&.-]*(?:\s+(?:of|for|on|in|and|the|[A-Z][\w’'&().-]*))*)")


def affiliation(role: str) -> str | None:
    m = _AFFILIATION.search(role or "")
    return m.group(1).strip() if m else None


def speaker_id(key: tuple) -> str:
    return "sp_" + hashlib.sha1("|".join(key).encode()).hexdigest()[:10]


def _single_names(people: dict, lex: Lexicon, union) -> dict:
    """People named by one name only ("Doe", "Kim"): a Korean family name is a person of
    its own article, never joined to another ("said Kim, a 45-year-old farmer"); another
    name is joined to the one person of the corpus whose full name ends in it ("Doe" and
    "Jane Doe"), when there is exactly one. Returns {(source_id, key): article-own key}."""
    by_surname: dict = {}
    for persons in people.values():
        for p in persons:
            key, surface = p[0], p[1]
            if key[0] == "w" and len(key) > 2 and surface:
                by_surname.setdefault(surface[0][0].split()[-1].lower(), set()).add(key)
    own = {}
    for sid, persons in people.items():
        for p in persons:
            key = p[0]
            if key[0] != "w" or len(key) != 2:
                continue
            if key[1] in lex.surnames:
                own[(sid, key)] = ("w", key[1], "@" + sid)
            elif len(by_surname.get(key[1], ())) == 1:
                union(key, next(iter(by_surname[key[1]])))
    return own


def resolve(people: dict, lex: Lexicon, roles: Roles, registry: Registry, korean=None):
    """Join the articles' people into speakers.

    `people` maps source_id -> [PersonSummary or a plain tuple of its fields]. `korean`: the
    Korean codebook, to join Hangul names to their English spellings (None: not joined).
    Returns (speakers columns, {(source_id, local cluster): speaker_id}, {speaker_id: name}).
    """
    parent: dict = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    reg_of_key = {}
    for i, entry in enumerate(registry.entries):
        rk = ("registry", str(i))
        find(rk)
        for alias in [entry["name"], *(entry.get("aliases") or [])]:
            k = key_of_name(str(alias), lex)
            if len(k) > 2 or k[0] in ("ko", "hangul"):  # a full name, not a bare surname
                union(rk, k)
                reg_of_key[k] = i
    if korean is not None:  # a Hangul name and its romanized English spelling are one person
        written = {}
        for persons in people.values():
            for p in persons:
                if p[1] and p[0] not in written:
                    written[p[0]] = p[1][0][0]
        for a, b in cross_script_pairs(written, lex, korean):
            union(a, b)
    own = _single_names(people, lex, union)
    root_of = {k: find(k) for k in {p[0] for persons in people.values() for p in persons}}
    groups: dict = {}
    for sid in sorted(people):
        for local, p in enumerate(people[sid]):
            key = own.get((sid, p[0]), p[0])
            groups.setdefault(root_of.get(key, key), []).append((sid, local, p))
    rows = []
    local_map, names = {}, {}
    for root, members in groups.items():
        entry = None
        surface: dict = {}  # name -> uses, in order of first use: ties go to the first
        aliases = set()
        role_pairs = []
        sources = set()
        for sid, _local, (key, p_names, p_aliases, p_roles) in members:
            if key in reg_of_key:
                entry = registry.entries[reg_of_key[key]]
            for n, count in p_names:
                surface[n] = surface.get(n, 0) + count
            if p_aliases:
                aliases.update(p_aliases)
                sources.add(sid)
            role_pairs += p_roles
        if not surface:
            continue
        name = entry["name"] if entry else max(surface, key=surface.__getitem__)
        key = find(root) if entry is None else key_of_name(name, lex)
        sid_ = speaker_id(key if isinstance(key, tuple) else (str(key),))
        role_pairs = list(dict.fromkeys(role_pairs))  # a frequent speaker repeats the same roles
        short = [r for r, _ in role_pairs if r]
        role = (entry or {}).get("role") or (min(short, key=len) if short else None)
        category = (entry or {}).get("role_category") or role_category([e for _, e in role_pairs] + [name], roles)
        aliases |= set(surface)
        aliases |= set((entry or {}).get("aliases") or [])
        rows.append({
            "speaker_id": sid_, "name": name, "role_category": category, "role": role,
            "affiliation": (entry or {}).get("affiliation") or affiliation(role or ""),
            "aliases": "|".join(sorted(aliases)),
            "n_quotes": 0, "n_sources": len(sources),
        })
        names[sid_] = name
        for sid, local, _ in members:
            local_map[(sid, local)] = sid_
    rows.sort(key=lambda r: r["speaker_id"])
    return rows, local_map, names
