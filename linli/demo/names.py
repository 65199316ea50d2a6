"""Invented Chinese names, ID-card numbers and mobile numbers for the demo.

Every person in the demo is made up:

* **Names** join a common surname (weighted roughly by frequency) to one or two given-name
  characters drawn from lists typical of the person's generation and gender.
* **ID-card numbers** (GB 11643) carry the real birth date and a valid check character, but the
  region prefix ``990113`` — province code 99 does not exist in GB/T 2260, so no such number can
  belong to a real person.  The sequence digit is odd for men and even for women, as on real cards.
* **Mobile numbers** come from the ``154`` block: ``154 0000 0000`` + n.  The 154 prefix has not
  been allocated to any operator by MIIT, yet it passes the format check ``1[3-9]\\d{9}``.
"""

from __future__ import annotations

import datetime as dt
import random

from linli.core.identifiers import id_check_char

DEMO_ID_REGION = "990113"
DEMO_MOBILE_BASE = 15400000000
# Invented names that happen to be those of well-known public figures are drawn again.
AVOID = frozenset({"李强", "雷军", "王毅", "赵乐际", "王沪宁", "蔡奇", "丁薛祥", "李希", "马云", "刘强东"})

# (surname, weight): the most common surnames, weights roughly their share per mille.
SURNAMES: list[tuple[str, int]] = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 23), ("赵", 22), ("吴", 21),
    ("周", 21), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12), ("何", 12), ("林", 11),
    ("罗", 11), ("高", 11), ("郑", 10), ("梁", 10), ("谢", 8), ("宋", 8), ("唐", 8), ("许", 7), ("韩", 7),
    ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 7), ("曾", 6), ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5),
    ("蒋", 5), ("蔡", 5), ("余", 5), ("杜", 5), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("钟", 3), ("谭", 5), ("陆", 3), ("汪", 3), ("范", 3), ("廖", 4),
    ("贾", 3), ("夏", 3), ("付", 3), ("方", 3), ("邹", 3), ("熊", 3), ("秦", 3), ("江", 3), ("雷", 3), ("向", 4),
    ("龙", 2), ("陶", 2), ("黎", 2), ("冉", 3), ("文", 2), ("牟", 2), ("况", 1), ("税", 1), ("甘", 2), ("母", 1),
]

# Given names by generation (born before 1965 / 1965–1989 / 1990 and later) and gender: whole
# two-character names, and single characters for one-character given names.
GIVEN: dict[tuple[str, str], tuple[str, str]] = {
    ("old", "M"): ("建国 建华 国强 德明 志强 福生 永庆 荣华 明德 学文 国庆 忠诚 光明 海林 金山 富贵 长林 光荣 新民 "
                   "跃进 文华 志明 泽民 家福 顺成 玉林 开明 正清",
                   "明 德 福 强 华 林 勇 军 忠 荣 成 才 平 安"),
    ("old", "F"): ("秀英 桂兰 玉珍 凤英 淑华 素琴 翠花 秀珍 玉兰 菊香 惠芬 春萍 淑贞 桂芳 秀兰 冬梅 月华 金凤 "
                   "素芬 丽华 玉梅 琼英 德芳 淑芬",
                   "英 兰 芳 珍 凤 华 琴 梅 香 萍"),
    ("mid", "M"): ("伟东 建军 志刚 海涛 晓峰 国华 永刚 文斌 小龙 俊杰 明辉 云飞 红兵 立新 建平 大勇 勇军 "
                   "德华 春雷 小兵 晓东 志勇 剑波 少华",
                   "伟 刚 勇 军 斌 杰 涛 超 强 磊 波 辉 鹏 飞 峰 亮 健 彬 东 宇 俊 兵"),
    ("mid", "F"): ("丽娟 晓燕 红梅 艳华 静怡 海燕 小琴 玉婷 晓丽 春燕 丽萍 雪梅 美玲 慧敏 秀丽 小红 桂英 "
                   "晓霞 丽君 红霞 文静 小梅",
                   "丽 娟 敏 静 艳 燕 霞 玲 红 梅 芳 琳 莉 萍 洁 雪 慧 婷 颖 娜 倩 丹"),
    ("new", "M"): ("浩宇 子轩 宇航 博文 俊杰 浩然 子豪 梓睿 晨阳 泽宇 铭轩 皓轩 一帆 思远 嘉诚 天佑 鑫磊 "
                   "家豪 明轩 振宇 文博 子涵 俊熙 宇翔 凯文 志豪",
                   "浩 宇 轩 睿 博 杰 豪 鑫 磊 晨 阳 然 铭 瑞 翔 皓 凯 航 帆 诚"),
    ("new", "F"): ("欣怡 梓涵 雨萱 思琪 佳怡 可馨 诗雨 婧琪 梦瑶 紫涵 语嫣 若汐 雅琪 欣妍 雨涵 佳琪 诗涵 "
                   "梓萱 心怡 晓彤 钰彤 思雨 一诺 可欣",
                   "欣 怡 涵 萱 琪 馨 雨 婧 萌 悦 彤 雅 瑶 妍 蕾 洁"),
}


class NameMaker:
    """Deterministic generator of invented names, ID-card numbers and mobile numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _w in SURNAMES]
        self._weights = [w for _s, w in SURNAMES]
        self._id_seq: dict[dt.date, int] = {}
        self._mobile_n = 0

    def name(self, gender: str, birth_year: int) -> str:
        era = "old" if birth_year < 1965 else ("mid" if birth_year < 1990 else "new")
        doubles, singles = GIVEN[(era, gender)]
        while True:
            surname = self.rng.choices(self._surnames, self._weights)[0]
            given = singles if self.rng.random() < (0.3 if era == "old" else 0.2) else doubles
            name = surname + self.rng.choice(given.split())
            if name not in AVOID:
                return name

    def id_number(self, birth: dt.date, gender: str) -> str:
        """A checksum-valid number with the non-existent region prefix, unique per call."""
        n = self._id_seq.get(birth, 0)
        self._id_seq[birth] = n + 1
        seq = (n * 2 + (1 if gender == "M" else 0)) % 1000
        first17 = f"{DEMO_ID_REGION}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def mobile(self) -> str:
        self._mobile_n += 1
        return str(DEMO_MOBILE_BASE + self._mobile_n)
