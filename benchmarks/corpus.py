"""A synthetic news corpus of any size, built from the bundled seed articles.

``generate(out, n, seed=0)`` writes ``n`` raw articles (``*.txt``) and a
``catalog.csv`` into ``out``. Each article is drawn from the paragraphs of the
seed articles in ``data/raw``:

- a headline (a seed title, or a Korean one), sometimes a byline and a
  ``Published :`` line, then body paragraphs sampled with replacement and in a
  new order, with page furniture (captions, share bars, breadcrumbs) from the
  seeds mixed in now and then; paragraphs separated by one or two newlines;
- about one article in ten is in Korean (the Korean block of a seed plus
  Korean paragraphs written for this generator), and some English articles
  carry a Korean paragraph;
- romanized Korean given names (``Se-yul``, ``Gyu-ri``) are replaced per article,
  so the corpus has many distinct speakers, as a real one does;
- sizes follow a log-normal law around ``mean_kb`` (default 5 KB, so 10,000
  articles are ~50 MB), clipped to ``[min_kb, max_kb]`` (1 KB to 200 KB), with a
  thin tail of long articles (50 KB to ``max_kb``);
- ids, outlets, dates, titles and URLs vary; about one article in a hundred has
  no catalog row (its metadata comes from the text, as happens in real corpora).

Everything is drawn from ``random.Random(f"{seed}:{i}")``: the same seed gives
byte-identical files, and article ``i`` is the same whatever ``n`` is (a corpus
of 100 is the first 100 articles of a corpus of 10,000).

Command line: ``python -m benchmarks.corpus OUT --n 1000 [--seed 0]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"

OUTLETS = [  # (name, weight, url host)
    ("Freedom Chosun", 2, "freedomchosun.example"),
    ("Christian Daily Korea", 2, "christiandaily.example"),
    ("National Endowment for Democracy", 1, "ned.example"),
    ("Korea JoongAng Daily", 3, "joongang.example"),
    ("The Korea Herald", 3, "koreaherald.example"),
    ("Yonhap News Agency", 3, "yonhap.example"),
    ("NK News", 2, "nknews.example"),
    ("Daily NK", 2, "dailynk.example"),
    ("Radio Free Asia", 1, "rfa.example"),
    ("Voice of America", 1, "voa.example"),
]

# Korean paragraphs written for this generator (news register, with quotes and
# the rights/weapons link the frames look for), so Korean articles are not all
# one seed's declaration.
KOREAN_TITLES = [
    "북한 인권 국제회의 서울서 개막…탈북민 증언 이어져",
    "유엔 총회, 북한 인권 결의안 채택",
    "\"핵보다 사람이 먼저\"…탈북 청년들 워싱턴 선언",
    "통일부, 북한 인권 보고서 공개",
    "북한 정치범 수용소 실태 고발 토론회 열려",
    "국제사회 \"북한 강제노동·강제송환 중단하라\"",
]
KOREAN_PARAS = [
    "북한 인권 국제회의가 22일 서울에서 개막했다. 이번 회의에는 미국과 영국, 일본의 학자들과 "
    "탈북민 단체 대표들이 참석해 북한 정치범 수용소와 강제송환 문제를 집중적으로 논의했다.",
    "개회사에서 김영호 통일부 장관은 \"북한 주민의 인권은 더 이상 미룰 수 없는 과제\"라며 "
    "\"국제사회와 긴밀히 협력하겠다\"고 말했다.",
    "탈북민 강규리 씨는 \"침묵은 동조\"라고 강조했다. 그는 수용소에서 가족을 잃은 경험을 "
    "증언하며 국제사회의 관심을 호소했다.",
    "전문가들은 북한이 주민의 식량을 희생하면서 핵무기와 미사일 개발에 자원을 쏟아붓고 있다고 "
    "지적했다. 한 연구원은 \"핵 개발과 인권 침해는 동전의 양면\"이라고 말했다.",
    "유엔 북한인권 특별보고관은 보고서에서 해외 노동자 파견으로 벌어들인 외화가 무기 개발에 "
    "쓰이고 있다고 밝혔다. 보고서는 강제노동이 제재 회피의 수단이 되고 있다고 지적했다.",
    "서울시는 7월 14일 탈북민의 날을 맞아 시청 광장에서 사진전과 영화 상영회를 열었다. "
    "오세훈 시장은 \"탈북민이 우리 사회의 당당한 구성원이 되도록 돕겠다\"고 밝혔다.",
    "북한은 유엔 회의에 대해 \"적대 세력의 정치적 모략\"이라고 반발했다. 북한 대사는 "
    "인권 문제가 내정 간섭의 구실로 이용되고 있다고 주장했다.",
    "한 탈북 청년은 \"북한에서 몰래 본 한국 드라마가 바깥 세상을 알게 해 주었다\"며 "
    "\"정보 유입이 변화의 시작\"이라고 말했다.",
    "정부 관계자는 중국 내 탈북민 강제송환 문제에 대해 \"국제 규범에 따라 난민 지위가 "
    "보장돼야 한다\"는 입장을 재확인했다.",
    "참석자들은 북한의 미사일 발사가 이어지는 가운데서도 인권 문제가 안보 논의에서 "
    "밀려나서는 안 된다는 데 뜻을 모았다.",
    "토론회에서는 납북자와 억류자, 국군포로 가족들의 발언도 이어졌다. 한 가족은 "
    "\"아버지의 생사라도 알고 싶다\"며 눈물을 흘렸다.",
    "전문가들은 북한 인권 기록 보존소의 역할을 강화하고, 책임 규명을 위한 국제 공조를 "
    "서둘러야 한다고 제언했다.",
]
ENGLISH_TITLES = [
    "UN rapporteur links forced labor abroad to Pyongyang's missile budget",
    "Defectors urge Seoul not to trade human rights for nuclear talks",
    "North Korea rejects UN human rights resolution as 'political plot'",
    "Families of abductees call for answers ahead of summit",
    "Young defectors unveil Washington declaration on dignity and freedom",
    "Report: public executions rose during border closure",
]
KOREAN_GIVEN_FIRST = ["Min", "Ji", "Seo", "Hyun", "Eun", "Jae", "Sung", "Young", "Dong", "Soo",
                      "Hye", "Jin", "Kyung", "Sang", "Yeon", "Ha", "Na", "Da", "Tae", "Woo"]
KOREAN_GIVEN_SECOND = ["jun", "woo", "hoon", "min", "ho", "yeon", "jin", "ah", "rin", "bin",
                       "seok", "hee", "kyu", "su", "won", "na", "yul", "gyu", "hyun", "ju"]
BYLINE_NAMES = ["Kim Min-ji", "Lee Jae-hoon", "Park Seo-yeon", "Choi Dong-hyun", "Jung Ha-na",
                "Kang Tae-woo", "Cho Eun-bin", "Yoon Ji-ho", "Jane Miller", "David Lee"]
# Korean-looking given names that are not to be swapped (leaders the text is about).
KEEP_GIVEN = {"jong-un", "il-sung", "jong-il", "yo-jong"}

_SYL = (r"(?:ch|kk|tt|pp|ss|jj|[bcdghjklmnprstwy])?"
        r"(?:yeo|yae|ae|eo|eu|ui|oe|wa|wo|we|wi|ya|yo|yu|ye|oo|ee|ou|[aeiou])(?:ng|n|m|l|k|p|t)?")
_GIVEN = re.compile(r"\b(?=[A-Z])(?i:" + _SYL + r")-" + _SYL + r"\b")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SENT_END = re.compile(r"[.!?][\"'”’)]*\s")


@dataclass
class Pool:
    """What articles are drawn from: seed titles, body paragraphs, furniture lines."""
    titles: list[str]
    body: list[str]                 # English body paragraphs (hard-wrapped lines joined)
    furniture: list[str]            # short lines: captions, headings, share bars
    korean_blocks: list[str]        # Korean paragraphs (seed + written here)
    tails: list[str]                # lines that end an article (comment boxes, copyright)
    korean_titles: list[str] = field(default_factory=lambda: list(KOREAN_TITLES))


def seed_pool(raw_dir: str | Path = SEEDS) -> Pool:
    """Read the seed articles and sort their lines into titles, body and furniture."""
    files = sorted(Path(raw_dir).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{raw_dir}: no seed articles (*.txt)")
    from nkhr.ingest.clean import load_furniture

    ends = load_furniture().end_markers  # lines the cleaner ends an article at go only at the end
    titles, body, furniture, korean, tails = [], [], [], [], []
    for f in files:
        lines = [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines()]
        lines = [ln for ln in lines if ln]
        if len(lines[0]) < 160:  # a headline; otherwise the article starts with its body
            titles.append(lines[0])
            lines = lines[1:]
        hangul_run: list[str] = []
        for ln in lines:
            if ends.search(ln):
                tails.append(ln)
                continue
            if _HANGUL.search(ln):
                hangul_run.append(ln)
                continue
            if hangul_run:
                korean.append(" ".join(hangul_run))
                hangul_run = []
            (body if len(ln) >= 120 else furniture).append(ln)
        if hangul_run:
            korean.append(" ".join(hangul_run))
    korean += KOREAN_PARAS
    return Pool(titles + ENGLISH_TITLES, body, furniture, korean, tails)


def _target_bytes(rng: random.Random, mean_kb: float, min_kb: float, max_kb: float) -> int:
    if rng.random() < 0.002:  # the thin tail of very long articles
        kb = rng.uniform(min(50.0, max_kb), max_kb)
    else:
        sigma = 0.75
        mu = math.log(mean_kb) - sigma * sigma / 2  # so that the mean is ~mean_kb
        kb = rng.lognormvariate(mu, sigma)
    return int(1000 * min(max(kb, min_kb), max_kb))


def _swap_given_names(text: str, rng: random.Random) -> str:
    """Replace each romanized Korean given name with another, consistently in the article."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        g = m.group(0)
        if g.lower() in KEEP_GIVEN:
            return g
        if g not in mapping:
            mapping[g] = g if rng.random() < 0.3 else (
                f"{rng.choice(KOREAN_GIVEN_FIRST)}-{rng.choice(KOREAN_GIVEN_SECOND)}")
        return mapping[g]

    return _GIVEN.sub(sub, text)


def _cut(paragraph: str, budget: int) -> str:
    """The longest run of whole sentences of `paragraph` within `budget` bytes ('' if none)."""
    best = ""
    for m in _SENT_END.finditer(paragraph + " "):
        piece = paragraph[:m.end()].rstrip()
        if len(piece.encode("utf-8")) > budget:
            break
        best = piece
    return best


def article(i: int, seed: int, pool: Pool, *, mean_kb: float = 5.0, min_kb: float = 1.0,
            max_kb: float = 200.0, salt: int = 0, korean_share: float = 0.1,
            swap=None) -> tuple[str, str, dict]:
    """Article number `i`: (source_id, text, catalog row). Depends only on (seed, i, salt).
    `korean_share`: the share of Korean articles; `swap(text, rng)`: what replaces the
    names in each paragraph (default: romanized Korean given names)."""
    swap = swap or _swap_given_names
    rng = random.Random(f"{seed}:{i}:{salt}")
    source_id = f"g{i:06d}_{rng.getrandbits(64):016x}"
    outlet, host = _pick_outlet(rng)
    published = date(2015, 1, 1) + timedelta(days=rng.randrange(11 * 365))
    korean = rng.random() < korean_share
    target = _target_bytes(rng, mean_kb, min_kb, max_kb)
    title = rng.choice(pool.korean_titles if korean else pool.titles)
    head = [title]
    if not korean and rng.random() < 0.4:
        head.append(f"By {rng.choice(BYLINE_NAMES)}")
    if rng.random() < 0.3:
        head.append(f"Published : {published:%B} {published.day}, {published.year} - "
                    f"{rng.randrange(6, 23):02d}:{rng.randrange(60):02d}")
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    parts = list(head)
    decks = _Decks(pool, rng)
    size = sum(len(p.encode("utf-8")) + len(sep) for p in parts)
    ceiling = int(max_kb * 1000)
    while size < target:
        r = rng.random()
        if korean or r < 0.04:
            para = decks.draw("korean_blocks")
        elif r < 0.16:
            para = decks.draw("furniture")
        else:
            para = decks.draw("body")
        para = swap(para, rng)
        n = len(para.encode("utf-8")) + len(sep)
        if size + n > ceiling or (size + n > target and size >= min_kb * 1000 and rng.random() < 0.5):
            para = _cut(para, min(ceiling, target) - size - len(sep))
            if para:
                parts.append(para)
            break
        parts.append(para)
        size += n
    if pool.tails and rng.random() < 0.3:
        parts.append(rng.choice(pool.tails))
    text = sep.join(parts) + "\n"
    row = {"source_id": source_id, "outlet": outlet,
           "published": published.isoformat() if rng.random() < 0.9 else "",
           "title": title if rng.random() < 0.7 else "",
           "url": f"https://{host}/news/{source_id}" if rng.random() < 0.8 else ""}
    return source_id, text, row


class _Decks:
    """Draw paragraphs from shuffled decks: no repeat until a deck has been used up."""

    def __init__(self, pool: Pool, rng: random.Random):
        self.pool, self.rng, self.decks = pool, rng, {}

    def draw(self, name: str) -> str:
        deck = self.decks.get(name)
        if not deck:
            deck = self.decks[name] = list(getattr(self.pool, name))
            self.rng.shuffle(deck)
        return deck.pop()


def _pick_outlet(rng: random.Random) -> tuple[str, str]:
    names = [o[0] for o in OUTLETS]
    weights = [o[1] for o in OUTLETS]
    name = rng.choices(names, weights)[0]
    return name, dict((o[0], o[2]) for o in OUTLETS)[name]


@dataclass
class Generated:
    path: Path
    n: int
    bytes: int          # bytes of article text written
    sha256: str         # over every file name and content, in order: the corpus's identity
    ids: list[str]


def generate(out: str | Path, n: int, *, seed: int = 0, mean_kb: float = 5.0,
             min_kb: float = 1.0, max_kb: float = 200.0, raw_dir: str | Path = SEEDS,
             uncatalogued: float = 0.01, pool: Pool | None = None, **drawing) -> Generated:
    """Write `n` articles and ``catalog.csv`` into `out` (created; existing *.txt removed).
    `pool`: what articles are drawn from (default: the seed articles in `raw_dir`);
    `drawing`: :func:`article`'s ``korean_share`` and ``swap``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    pool = pool or seed_pool(raw_dir)
    seen: set[str] = set()
    rows = []
    total = 0
    digest = hashlib.sha256()
    ids = []
    for i in range(n):
        salt = 0
        while True:  # the reader skips duplicate files; never write one
            sid, text, row = article(i, seed, pool, mean_kb=mean_kb, min_kb=min_kb,
                                     max_kb=max_kb, salt=salt, **drawing)
            h = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if h not in seen:
                break
            salt += 1
        seen.add(h)
        data = text.encode("utf-8")
        (out / f"{sid}.txt").write_bytes(data)
        digest.update(f"{sid}.txt\0".encode() + data)
        total += len(data)
        ids.append(sid)
        if random.Random(f"{seed}:{i}:catalog").random() >= uncatalogued:
            rows.append(row)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["source_id", "outlet", "published", "title", "url"],
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (out / "catalog.csv").write_text(buf.getvalue(), encoding="utf-8")
    digest.update(buf.getvalue().encode("utf-8"))
    return Generated(out, n, total, digest.hexdigest(), ids)


def touch_one(out: str | Path, source_id: str, note: str = "Editor's note: updated.") -> Path:
    """Change one article (append a sentence), as an edit between two runs would."""
    f = Path(out) / f"{source_id}.txt"
    f.write_text(f.read_text(encoding="utf-8") + f"\n{note}\n", encoding="utf-8")
    return f


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mean-kb", type=float, default=5.0)
    a = p.parse_args(argv)
    g = generate(a.out, a.n, seed=a.seed, mean_kb=a.mean_kb)
    print(f"wrote {g.n} articles, {g.bytes / 1e6:.1f} MB, to {g.path} (sha256 {g.sha256[:16]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
