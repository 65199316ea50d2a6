from django.urls import reverse

from linli.cases.models import Message
from linli.cases.services import file_case, transition


def test_dispatch_message_appears_for_the_grid_worker_and_can_be_read(
        client, categories, actors, tree, django_capture_on_commit_callbacks):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", reporter=actors.reporter,
                     area=tree.g1)
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
    client.force_login(actors.worker)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home  # the unread count in the top bar
    page = client.get(reverse("cases:messages")).content.decode()
    assert case.number in page and reverse("cases:case_detail", args=[case.number]) in page
    client.post(reverse("cases:messages_read"))
    assert not Message.objects.filter(recipient=actors.worker, read_at__isnull=True).exists()
    # The reporter's link goes to their own report page.
    client.force_login(actors.reporter)
    page = client.get(reverse("cases:messages")).content.decode()
    assert reverse("cases:mine_detail", args=[case.number]) in page


def test_messages_are_private(client, categories, actors, tree):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    Message.objects.create(recipient=actors.worker, case=case, text="给网格员的消息")
    client.force_login(actors.other_worker)
    assert "给网格员的消息" not in client.get(reverse("cases:messages")).content.decode()
    client.post(reverse("cases:messages_read"))
    assert Message.objects.get().read_at is None


def test_messages_page_by_key(client, actors):
    for i in range(35):
        Message.objects.create(recipient=actors.worker, text=f"消息{i:02d}")
    client.force_login(actors.worker)
    first = client.get(reverse("cases:messages")).content.decode()
    assert "消息34" in first and "消息04" not in first and "?before=" in first
    oldest = Message.objects.order_by("id")[5].pk
    rest = client.get(reverse("cases:messages") + f"?before={oldest}").content.decode()
    assert "消息04" in rest and "消息34" not in rest


def test_empty_state_and_login_required(client, actors):
    assert client.get(reverse("cases:messages")).status_code == 302
    client.force_login(actors.worker)
    assert client.get(reverse("cases:messages")).status_code == 200


def test_a_message_shows_the_case_as_it_is_now_and_an_unread_badge(
        client, categories, actors, tree, django_capture_on_commit_callbacks):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", reporter=actors.reporter,
                     area=tree.g1)
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "dispatch", actors.community)
    client.force_login(actors.reporter)
    page = client.get(reverse("cases:messages"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert page.count("当前状态：已派遣") == 2
    assert "未读" in page and "新上报" not in page
