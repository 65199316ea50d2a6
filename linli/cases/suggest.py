"""Category suggestion from free text, computed locally: the catalogue, a colloquial lexicon, past cases.

Chinese has no spaces, so the text is cut into character bigrams (and the lexicon's words are matched
whole); no model, no external service.  A category scores by

- the lexicon: colloquial words people use for it (飞线, 电瓶车充电 → 线路杂乱/飞线), each hit weighted by the
  word's length;
- the catalogue: bigrams of its name and description;
- past cases: the bigrams of the descriptions of its most recent cases (``PAST_CASES`` per category, read
  once and kept for ``CACHE_SECONDS``), weighted by how specific each bigram is to the category (idf).

``suggest(text)`` returns at most 5 ``Suggestion``s, best first, with scores between 0 and 1; an empty,
huge or non-Chinese text gives a list (perhaps empty), never an error.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from linli.cases.models import Case, Category

MAX_TEXT = 2000
PAST_CASES = 200
CACHE_SECONDS = 600
TOP = 5
HAN = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"[a-z0-9]+")

# Colloquial words for each catalogue category, as residents write them in WeChat groups and reports.
LEXICON: dict[str, tuple[str, ...]] = {
    "manhole": ("井盖", "窨井", "下水井盖", "盖子没了", "井口"),
    "street-light": ("路灯", "灯不亮", "黑灯瞎火", "灯坏了", "照明", "太黑"),
    "fire-hydrant": ("消防栓", "消火栓", "消防水"),
    "utility-box": ("电箱", "配电箱", "交接箱", "电表箱", "通信箱", "变压器"),
    "road-damage": ("路面破", "人行道砖", "地砖松", "路烂", "路坏", "砖翘"),
    "pothole": ("坑洼", "水坑", "大坑", "坑坑洼洼", "积水", "坑"),
    "traffic-sign": ("交通标志", "标线", "红绿灯", "指示牌", "斑马线"),
    "guardrail": ("护栏", "隔离墩", "栏杆", "隔离栏"),
    "litter-bin": ("垃圾桶", "垃圾箱", "果皮箱", "垃圾满", "桶满", "桶坏"),
    "public-toilet": ("公厕", "厕所", "卫生间", "茅房"),
    "street-tree": ("行道树", "树倒", "枯树", "树死", "倒伏"),
    "green-space": ("绿地", "草坪", "花坛", "黄土", "绿化带", "种菜"),
    "dangerous-house": ("危房", "房子裂", "墙裂", "裂缝", "倾斜", "房屋开裂"),
    "idle-land": ("空地", "闲置", "荒地", "乱堆"),
    "component-other": ("设施坏", "健身器材", "座椅", "雨棚", "信报箱"),
    "exposed-garbage": ("垃圾没人收", "垃圾没清", "乱倒垃圾", "垃圾堆", "建筑垃圾", "垃圾", "臭"),
    "sanitation-black-spot": ("卫生死角", "脏乱", "脏乱差", "老鼠", "蚊虫", "死角", "苍蝇"),
    "sewage-overflow": ("污水", "化粪池", "冒水", "下水道", "堵了", "反味", "粪水", "污水井", "漫出来"),
    "illegal-ads": ("小广告", "牛皮癣", "乱贴", "乱涂", "乱画", "贴广告", "办证"),
    "signboard": ("招牌", "广告牌", "门头", "灯箱"),
    "construction-nuisance": ("施工", "噪音", "噪声", "半夜", "电钻", "扬尘", "装修", "吵"),
    "muck-spill": ("渣土", "撒漏", "泥巴", "土方车", "围挡"),
    "street-vending": ("摆摊", "占道", "流动摊贩", "小贩", "店外经营", "夜市"),
    "illegal-parking": ("乱停", "乱停车", "挡路", "堵车位", "停在", "共享单车", "电动车乱放", "乱放"),
    "road-collapse": ("塌陷", "塌了", "地陷", "下沉"),
    "pipe-burst": ("爆管", "水管爆", "漏水", "燃气", "煤气", "漏气", "停水", "管子破"),
    "event-other": ("其他", "咨询", "反映"),
    "parking-spaces": ("停车位", "车位", "停车难", "没地方停", "停车场", "划线"),
    "rider-heat-protection": ("骑手", "外卖", "快递小哥", "歇脚", "防暑", "中暑", "太热", "喝水", "充电宝"),
    "occupied-common-area": ("楼道", "堆放", "堆满", "杂物", "纸箱", "消防通道", "占用", "堆东西", "过道", "私占"),
    "wiring": ("飞线", "电线", "乱拉", "拉线", "充电", "电瓶车", "电动车充电", "线路", "插座", "蜘蛛网"),
    "lift-installation": ("电梯", "加装电梯", "爬楼", "装电梯", "楼梯太高"),
    "tree-pruning": ("修剪", "树枝", "挡光", "采光", "树太高", "剪树", "树杈", "遮住"),
    "outer-wall-hazard": ("外墙", "瓷砖", "掉渣", "空鼓", "墙皮", "脱落", "掉下来"),
    "thrown-objects": ("高空抛物", "往下扔", "扔垃圾", "楼上扔", "花盆", "坠物", "砸"),
}


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float


def bigrams(text: str) -> list[str]:
    """Character bigrams of the Chinese runs (single characters for one-character runs), and Latin words."""
    grams: list[str] = []
    for run in HAN.findall(text):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    grams.extend(LATIN.findall(text.lower()))
    return grams


class _Model:
    """Per category: bigram weights from the catalogue and past cases; refreshed every ``CACHE_SECONDS``."""

    def __init__(self) -> None:
        self.loaded_at = 0.0
        self.categories: dict[str, tuple[str, str]] = {}
        self.weights: dict[str, dict[str, float]] = {}

    def fresh(self) -> _Model:
        if time.monotonic() - self.loaded_at > CACHE_SECONDS or not self.categories:
            self.load()
        return self

    def load(self) -> None:
        leaves = list(Category.objects.filter(active=True, parent__isnull=False, parent__active=True)
                      .values_list("pk", "code", "name", "description"))
        self.categories = {code: (name, str(pk)) for pk, code, name, _d in leaves}
        counts: dict[str, Counter] = {code: Counter() for code in self.categories}
        for _pk, code, name, description in leaves:
            counts[code].update(bigrams(f"{name} {name} {description}") * 2)
        by_pk = {pk: code for pk, code, _n, _d in leaves}
        past: dict[str, int] = defaultdict(int)
        rows = (Case.objects.filter(category_id__in=list(by_pk)).order_by("-id")
                .values_list("category_id", "description")[: PAST_CASES * max(len(by_pk), 1)])
        for category_id, description in rows:
            code = by_pk[category_id]
            if past[code] >= PAST_CASES:
                continue
            past[code] += 1
            counts[code].update(set(bigrams(description[:MAX_TEXT])))
        df: Counter = Counter()
        for counter in counts.values():
            df.update(counter.keys())
        n = max(len(counts), 1)
        self.weights = {}
        for code, counter in counts.items():
            total = sum(counter.values()) or 1
            self.weights[code] = {g: (c / total) * math.log(1 + n / df[g]) for g, c in counter.items()}
        self.loaded_at = time.monotonic()


_model = _Model()


def reset_cache() -> None:
    _model.loaded_at = 0.0


def suggest(text: str | None, limit: int = TOP) -> list[Suggestion]:
    """Ranked categories for a free text, best first, at most ``limit`` (5), scores in 0..1."""
    text = (text or "")[:MAX_TEXT]
    if not text.strip():
        return []
    model = _model.fresh()
    grams = Counter(bigrams(text))
    scores: dict[str, float] = {}
    for code in model.categories:
        lexicon = sum(len(word) for word in LEXICON.get(code, ()) if word in text)
        weights = model.weights.get(code, {})
        learned = sum(weights.get(g, 0.0) * min(c, 2) for g, c in grams.items())
        score = lexicon + 20 * learned
        if score > 0:
            scores[code] = score
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:max(1, min(limit, TOP))]
    return [Suggestion(code, model.categories[code][0], round(score / best, 3)) for code, score in ranked]
