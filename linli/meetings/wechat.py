"""Text copied from a building's WeChat group, split into messages, each with what Linli proposes for it.

WeChat copies several messages as a header line (the sender's group nickname and the time) followed by the
message's lines, e.g.::

    张阿姨 2026/3/4 08:12
    3栋2单元楼道堆满纸箱，消防通道都堵了

    老李 08:15
    七号楼的飞线又拉下来了

Other shapes are understood too: ``[2026-03-04 08:12] 张阿姨：text`` and ``张阿姨：text`` (one per line),
dates as ``2026/3/4``, ``2026-03-04``, ``2026年3月4日``, ``3月4日``, ``昨天``, and ``上午/下午`` times.
System lines (recalled messages, people joining) and stickers or images are dropped.

For each message Linli proposes a category (``suggest``), the building and unit it mentions (3栋2单元, 三幢,
7号楼), and whether it is a topic for the next meeting (people asking to discuss, decide or vote) or a case
(a concrete problem to fix).  Nothing is created here: a person confirms each proposal first.  The
nickname is kept as the channel reference and never shown publicly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.suggest import Suggestion, suggest

MAX_PASTE = 20_000
MAX_MESSAGES = 100
MAX_NICKNAME = 30

TIME = r"(?P<ampm>上午|下午|中午|晚上|凌晨)?\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
FULL_DATE = r"(?P<y>\d{4})\s*[/\-.年]\s*(?P<m>\d{1,2})\s*[/\-.月]\s*(?P<d>\d{1,2})\s*日?"
SHORT_DATE = r"(?P<sm>\d{1,2})\s*[/月]\s*(?P<sd>\d{1,2})\s*日?"
DAY = rf"(?:{FULL_DATE}|{SHORT_DATE}|(?P<rel>今天|昨天|前天))"
NAME = rf"(?P<name>[^\s:：\[\]][^:：\[\]]{{0,{MAX_NICKNAME - 1}}}?)"
HEADER = re.compile(rf"^{NAME}\s+(?:{DAY}\s+)?{TIME}$")
STAMPED = re.compile(rf"^\[?\s*(?:{DAY}\s+)?{TIME}\s*\]?\s*{NAME}\s*[:：]\s*(?P<text>.+)$")
SAID = re.compile(rf"^{NAME}\s*[:：]\s*(?P<text>.+)$")
SYSTEM = re.compile(r"撤回了一条消息|加入了群聊|退出了群聊|修改群名为|邀请.*加入|拍了拍|以下为新消息|以上是打招呼"
                    r"|—+\s*\d")
PLACEHOLDER = re.compile(r"\[(?:图片|表情|动画表情|语音|视频|文件|链接|位置|红包|转账|Photo|Sticker|Image)\]")

NUMERAL = r"[0-9０-９]+|[一二三四五六七八九十两〇零]+"
BUILDING = re.compile(rf"(?P<n>{NUMERAL})\s*(?:号楼|栋|幢|號樓)")
UNIT = re.compile(rf"(?P<n>{NUMERAL})\s*单元")
TOPIC_WORDS = ("建议", "希望", "商量", "讨论", "大家", "议一议", "开会", "投票", "意见", "收费", "费用", "能不能",
               "可不可以", "怎么办", "加装电梯", "出钱", "分摊", "表决")
CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}


class PasteError(ValidationError):
    """The paste could not be read, with a message for the user."""


@dataclass
class Message:
    nickname: str
    at: dt.datetime | None
    text: str
    building: int | None = None
    unit: int | None = None
    kind: str = "case"  # "case" | "topic"
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def place(self) -> str:
        """The building and unit as the platform writes them: 3栋2单元."""
        if self.building is None:
            return ""
        return f"{self.building}栋" + (f"{self.unit}单元" if self.unit is not None else "")


def number(text: str) -> int | None:
    """An Arabic or Chinese numeral up to 99 (三 → 3, 十二 → 12, 二十三 → 23, ７ → 7)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        value = int(text)
        return value if 0 < value < 1000 else None
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        value = (CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
        return value if len(tens) <= 1 and len(ones) <= 1 else None
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS[text] or None
    return None


def mentions(text: str) -> tuple[int | None, int | None]:
    building = unit = None
    if match := BUILDING.search(text):
        building = number(match.group("n"))
        if building is not None and (after := UNIT.match(text, match.end()) or UNIT.search(text)):
            unit = number(after.group("n"))
    return building, unit


def _when(match: re.Match, today: dt.date) -> dt.datetime | None:
    groups = match.groupdict()
    day = today
    try:
        if groups.get("y"):
            day = dt.date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        elif groups.get("sm"):
            day = dt.date(today.year, int(groups["sm"]), int(groups["sd"]))
            if day > today:
                day = day.replace(year=today.year - 1)
        elif groups.get("rel") == "昨天":
            day = today - dt.timedelta(days=1)
        elif groups.get("rel") == "前天":
            day = today - dt.timedelta(days=2)
        parts = [int(p) for p in groups["time"].split(":")]
        hour, minute, second = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
        if groups.get("ampm") in ("下午", "晚上") and hour < 12:
            hour += 12
        return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=timezone.get_current_timezone())
    except ValueError:  # 2026/2/30, 25:61 …: keep the message, without a time
        return None


def _lines(raw: str) -> list[str]:
    return [line.strip().replace("\u200b", "") for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def split(raw: str | None, *, today: dt.date | None = None) -> list[Message]:
    """The messages of a pasted WeChat excerpt, oldest first as pasted; raises ``PasteError`` when unreadable."""
    raw = raw or ""
    if not raw.strip():
        raise PasteError(_("Paste the messages copied from the WeChat group."))
    if len(raw) > MAX_PASTE:
        raise PasteError(_("The paste is too long: at most %(n)d characters at a time.") % {"n": MAX_PASTE})
    today = today or timezone.localdate()
    lines = [line for line in _lines(raw) if not SYSTEM.search(line)]
    found: list[tuple[str, dt.datetime | None, list[str]]] = []
    if any(HEADER.match(line) for line in lines):
        current: tuple[str, dt.datetime | None, list[str]] | None = None
        for line in lines:
            if (match := HEADER.match(line)) is not None:
                current = (match.group("name").strip(), _when(match, today), [])
                found.append(current)
            elif line and current is not None:
                current[2].append(line)
    else:
        for line in lines:
            if (match := STAMPED.match(line)) is not None:
                found.append((match.group("name").strip(), _when(match, today), [match.group("text")]))
            elif (match := SAID.match(line)) is not None:
                found.append((match.group("name").strip(), None, [match.group("text")]))
            elif line and found:
                found[-1][2].append(line)
    messages = []
    for nickname, at, body in found:
        text = PLACEHOLDER.sub("", "\n".join(body)).strip()
        if not text:
            continue
        building, unit = mentions(text)
        kind = "topic" if any(word in text for word in TOPIC_WORDS) else "case"
        messages.append(Message(nickname=nickname[:MAX_NICKNAME], at=at, text=text[:2000], building=building,
                                unit=unit, kind=kind, suggestions=suggest(text, 3)))
    if not messages:
        raise PasteError(_("No messages found. Copy the messages together with their senders and times, as "
                           "WeChat copies them."))
    if len(messages) > MAX_MESSAGES:
        raise PasteError(_("Too many messages: at most %(n)d at a time.") % {"n": MAX_MESSAGES})
    return messages


def create_from_paste(user, group: str, rows: list[dict]) -> tuple[list, list]:
    """File the confirmed cases and add the confirmed topics, all or nothing; returns (cases, items).

    Each row: ``action`` (case/topic/skip), ``text``, ``nickname``, ``category``, ``area``, ``address``,
    ``meeting``.  The channel reference is the group and the nickname.
    """
    from django.db import transaction

    from linli.cases.limits import IntakeError
    from linli.cases.models import Channel
    from linli.cases.permissions import intake_area_codes
    from linli.cases.services import submit_report

    from . import services

    cases, items = [], []
    allowed = intake_area_codes(user)
    with transaction.atomic():
        for n, row in enumerate(rows, start=1):
            sent = f"（{row['sent_at'][5:]}）" if row.get("sent_at") else ""
            ref = f"{group}：{row['nickname']}{sent}"[:100]
            try:
                if row["action"] == "case":
                    case, _created = submit_report(
                        user=user, category=row["category"], description=row["text"], location=None,
                        channel=Channel.WECHAT, area=row["area"], allowed_codes=allowed, channel_ref=ref,
                        address=row.get("address") or "")
                    cases.append(case)
                elif row["action"] == "topic":
                    item = services.add_item(user, row["meeting"], title=row["text"].splitlines()[0][:100],
                                             description=row["text"], area=row["area"], category=row.get("category"))
                    item.channel_ref = ref
                    item.save(update_fields=["channel_ref"])
                    items.append(item)
            except (IntakeError, ValidationError) as exc:
                raise PasteError(_("Message %(n)d: %(error)s") % {"n": n, "error": " ".join(exc.messages)}) from None
            except PermissionDenied:
                raise PasteError(_("Message %(n)d: you do not run that meeting.") % {"n": n}) from None
    return cases, items
