"""A request created through Open311 goes round the loop on the staff pages and reads back closed."""

from django.urls import reverse

from linli.cases.models import Case
from linli.cases.tests.desk_support import jpeg

INSIDE_G1 = {"lat": "29.401", "long": "106.501"}


def act(client, user, number, action, **fields):
    client.force_login(user)
    response = client.post(reverse("cases:case_act", args=[number]), {"action": action, **fields}, follow=False)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    return response


def test_open311_request_is_handled_on_the_pages_and_reads_back_closed(client, services, api_key, tree, make_user):
    key, raw = api_key
    community = make_user("community", "community_staff", tree.comm_a1)
    worker = make_user("worker", "grid_worker", tree.g1)
    colleague = make_user("colleague", "grid_worker", tree.g1)

    created = client.post("/open311/v2/requests.json", {"api_key": raw, "service_code": "manhole-cover",
                                                         "description": "井盖缺失", **INSIDE_G1})
    number = created.json()[0]["service_request_id"]
    assert client.get(f"/open311/v2/requests/{number}.json").json()[0]["status"] == "open"

    act(client, community, number, "accept")
    act(client, community, number, "dispatch")
    act(client, worker, number, "start")
    act(client, worker, number, "resolve", note="已补装井盖", photo=jpeg())
    act(client, colleague, number, "verify")
    act(client, community, number, "close", note="核查无误，结案")
    assert Case.objects.get(number=number).status == "closed"

    client.logout()
    read = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert read["status"] == "closed" and read["status_notes"] == Case.objects.get(number=number).get_status_display()
    own = client.get(f"/open311/v2/requests/{number}.json", {"api_key": raw}).json()[0]
    assert own["status_notes"] == "核查无误，结案"  # the staff's note goes to the key's own area only
    assert read["agency_responsible"] == tree.g1.name
    assert read["updated_datetime"] >= read["requested_datetime"]
    closed = client.get("/open311/v2/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in closed] == [number]
