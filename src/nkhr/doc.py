"""One ingested article as plain Python data: what every per-source stage reads.

Per-source stages (quotes, mentions, themes, frames) take a :class:`Doc` and
return plain column lists; the pipeline turns them into typed tables. Keeping
the per-source unit free of pandas makes it cheap to send to a worker process
or a dask cluster and to cache on disk.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

_N_IDS = 5000  # ids made once: an article rarely has more paragraphs or sentences
_PARA_IDS = tuple(f"p{i + 1:04d}" for i in range(_N_IDS))
_SENT_IDS = tuple(f"s{i + 1:04d}" for i in range(_N_IDS))


@dataclass
class Doc:
    source_id: str
    text: str                       # the cleaned text; every offset points into it
    meta: dict = field(default_factory=dict)  # outlet, published, title, url, author, ...
    # paragraphs, in order
    para_start: list[int] = field(default_factory=list)
    para_end: list[int] = field(default_factory=list)
    para_kind: list[str] = field(default_factory=list)  # title, heading, body, caption
    para_raw_start: list[int] = field(default_factory=list)
    para_raw_end: list[int] = field(default_factory=list)
    # sentences, in order; sent_para[i] is the index of sentence i's paragraph
    sent_start: list[int] = field(default_factory=list)
    sent_end: list[int] = field(default_factory=list)
    sent_para: list[int] = field(default_factory=list)
    sent_lang: list[str] = field(default_factory=list)
    datelines: set[int] = field(default_factory=set)  # sentences that are a lead's dateline

    @staticmethod
    def para_id(i: int) -> str:
        return _PARA_IDS[i] if 0 <= i < _N_IDS else f"p{i + 1:04d}"

    @staticmethod
    def sent_id(i: int) -> str:
        return _SENT_IDS[i] if 0 <= i < _N_IDS else f"s{i + 1:04d}"

    @staticmethod
    def para_ids(n: int) -> list[str]:
        """The ids of the first `n` paragraphs."""
        return list(_PARA_IDS[:n]) if n <= _N_IDS else [Doc.para_id(i) for i in range(n)]

    @staticmethod
    def sent_ids(n: int) -> list[str]:
        """The ids of the first `n` sentences."""
        return list(_SENT_IDS[:n]) if n <= _N_IDS else [Doc.sent_id(i) for i in range(n)]

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing (or, in a gap, preceding) `offset`; -1 if none."""
        return bisect.bisect_right(self.sent_start, offset) - 1

    def paragraph_at(self, offset: int) -> int:
        return bisect.bisect_right(self.para_start, offset) - 1
