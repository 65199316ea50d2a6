"""The ten demo logins, all with the published password ``linli-demo``."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from linli.core.models import User
from linli.people.models import PartyRecord, Person, RoleAssignment, WorkerProfile

DEMO_PASSWORD = "linli-demo"  # noqa: S105 - published on purpose: invented people, local demo only

DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("district", "区级管理员（巴南区，可见全区）"),
    ("street-longzhouwan", "街道工作人员（龙洲湾街道）"),
    ("community-longjin", "社区工作者（龙洲湾街道龙锦社区）"),
    ("community-xiaxinxin", "社区工作者（鱼洞街道下新新社区）"),
    ("grid-xinhejie", "专职网格员（下新新社区新河街网格）"),
    ("grid-zouma", "专职网格员（走马梁社区走马二村第一网格）"),
    ("rider-demo", "外卖骑手（“先锋骑士”积分建档，龙锦第一网格兼职网格员）"),
    ("resident-demo", "居民（新河街网格）"),
    ("dept-chengguan", "部门经办人（巴南区城市管理局）"),
    ("shop-demo", "爱心商铺店员（18家爱心商铺之一）"),
]
DEMO_USERNAMES = [u for u, _d in DEMO_ACCOUNTS]


def create_accounts(people: dict[str, Person]) -> dict[str, User]:
    """One user per demo account, the password hashed once; their people get a first history entry."""
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create([
        User(username=username, password=password, first_name=people[username].name, person=people[username])
        for username in DEMO_USERNAMES
    ])
    persons = [people[u] for u in DEMO_USERNAMES]
    ids = [p.pk for p in persons]
    now = timezone.now()
    reason = "演示数据"
    Person.history.bulk_history_create(persons, default_change_reason=reason, default_date=now)
    for model in (RoleAssignment, PartyRecord, WorkerProfile):
        rows = list(model.objects.filter(person_id__in=ids))
        if rows:
            model.history.bulk_history_create(rows, default_change_reason=reason, default_date=now)
    return {u.username: u for u in users}
