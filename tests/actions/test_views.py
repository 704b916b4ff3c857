import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import StatusUpdate
from actions.services import status_update_record
from tests import factories
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.users["officer"])
    return client


def _post_update(client, world, **data):
    url = reverse("actions:update", kwargs={"pk": world.action.pk})
    world.action.refresh_from_db()
    body = {
        "status": "on_track",
        "commentary": "Going well",
        "updates_version": world.action.updates_version,
    } | data
    return client.post(url, body)


def _edit_action(client, world, **data):
    """Post the action's edit form: its number, heading, title and lead as they are, over
    the version now (``data`` changes or adds to them)."""
    body = {
        "reference": "1.1",
        "heading": f"p{world.action.priority_id}",
        "title": world.action.title,
        "lead_agencies": [world.lead_agency.pk],
        "lock_version": world.action.lock_version,
    } | data
    return client.post(reverse("actions:edit", kwargs={"pk": world.action.pk}), body)


def _reword(world, title: str, lead_agencies) -> None:
    """The coordinator changes the action's title and leads through the service."""
    from actions.services import ActionData, action_update

    action_update(
        action=world.action,
        data=ActionData(
            reference="1.1",
            title=title,
            priority=world.action.priority,
            lead_agencies=lead_agencies,
        ),
        expected_version=world.action.lock_version,
        user=world.users["coordinator"],
    )


# The numbers reported are a formset of three rows (its management form, then the rows).
FIGURES = {"figures-TOTAL_FORMS": "3", "figures-INITIAL_FORMS": "0"}


def _errors(form, field: str) -> list[str]:
    """The errors of a field of the form, or of one of its rows ("figures-0-value")."""
    if field.startswith("figures-"):
        _, index, name = field.split("-")
        return form.rows[int(index)].errors.get(name, [])
    return form.errors.get(field, [])


BAD_INPUT = [
    ({"commentary": ""}, "commentary", "Enter a commentary"),
    (
        {"commentary": "x" * 100_000},
        "commentary",
        "Enter a commentary of 2,000 characters or fewer",
    ),
    ({"status": "purple"}, "status", "Select a status from the list"),
    ({"status": ""}, "status", "Select a status"),
    (
        FIGURES | {"figures-0-label": "attendees", "figures-0-value": "-3"},
        "figures-0-value",
        "Enter a number of 0 or more",
    ),
    (
        FIGURES | {"figures-0-label": "attendees", "figures-0-value": "lots"},
        "figures-0-value",
        "Enter a number, like 300",
    ),
    (FIGURES | {"figures-0-value": "12"}, "figures-0-label", "Enter what the number counts"),
    (
        FIGURES | {"figures-0-label": "attendees"},
        "figures-0-value",
        "Enter the number for attendees",
    ),
    ({"updates_version": "abc"}, "updates_version", None),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_INPUT)
def test_bad_input_gets_a_field_error_not_a_500(officer_client, world, data, field, message):
    response = _post_update(officer_client, world, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert _errors(form, field)
    if message:
        assert message in _errors(form, field)
        assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert response.content.decode().count("<title>Error: ") == 1
    assert not StatusUpdate.objects.exists()


def test_a_milestone_of_another_action_is_a_field_error(officer_client, world):
    response = _post_update(
        officer_client, world, milestones_completed=[str(world.other_milestone.pk)]
    )
    assert response.status_code == 200
    assert (
        "Select only milestones of this action"
        in response.context["form"].errors["milestones_completed"]
    )


def test_changing_the_status_asks_for_the_reason(officer_client, world):
    status_update_record(
        action=world.action, author=world.users["officer"], status="on_track", commentary="Fine"
    )
    response = _post_update(officer_client, world, status="off_track")
    assert "Enter the reason the status changed" in response.context["form"].errors["reason"]
    response = _post_update(officer_client, world, status="off_track", reason="Funding cut")
    assert response.status_code == 302
    assert StatusUpdate.objects.latest("id").previous_status == "on_track"


def test_a_good_update_is_saved_and_shown(officer_client, world):
    response = _post_update(
        officer_client,
        world,
        **FIGURES,
        **{"figures-0-label": "attendees", "figures-0-value": "300"},
        milestones_completed=[world.milestone.pk],
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert update.figures == [{"label": "attendees", "value": 300}]
    page = officer_client.get(response["Location"])
    assert "attendees: 300" in page.content.decode()
    assert "was saved" in page.content.decode()


def test_second_saver_is_told_keeps_their_text_and_can_save_again(client, world):
    opened = world.action.updates_version
    url = reverse("actions:update", kwargs={"pk": world.action.pk})
    client.force_login(world.users["coordinator"])
    client.post(url, {"status": "on_track", "commentary": "First in", "updates_version": opened})
    client.force_login(world.users["officer"])
    response = client.post(
        url,
        {
            "status": "at_risk",
            "commentary": "My careful words",
            "reason": "Delays",
            "updates_version": opened,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved an update to this action after you opened it" in body
    assert "First in" in body  # what changed
    assert "My careful words" in body  # what they typed is kept
    assert StatusUpdate.objects.count() == 1
    form = response.context["form"]
    response = client.post(url, {**form.data.dict()})
    assert response.status_code == 302
    assert StatusUpdate.objects.count() == 2


def test_stale_action_edit_shows_what_changed(client, world):
    opened = world.action.lock_version
    client.force_login(world.users["coordinator"])
    assert (
        _edit_action(client, world, desired_outcome="Theirs", lock_version=opened).status_code
        == 302
    )
    client.force_login(world.users["county_admin"])
    response = _edit_action(client, world, desired_outcome="Mine", lock_version=opened)
    body = response.content.decode()
    assert "Someone else changed this action after you opened it" in body
    assert "Theirs" in body and "Mine" in body
    world.action.refresh_from_db()
    assert world.action.desired_outcome == "Theirs"


def test_action_edit_refuses_a_duplicate_number(client, world):
    factories.ActionFactory(plan=world.plan, priority=world.action.priority, reference="1.2")
    client.force_login(world.users["coordinator"])
    response = _edit_action(client, world, reference="1.2", title="T")
    assert "Action 1.2 is already in this plan" in response.context["form"].errors["reference"]


def test_milestone_with_a_bad_date_gets_an_error(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("actions:milestone_edit", kwargs={"pk": world.milestone.pk}),
        {
            "description": "M",
            "done_date_0": "31",
            "done_date_1": "2",
            "done_date_2": "2024",
            "lock_version": 1,
        },
    )
    assert (
        "Date done must be a real date, like 1 4 2024"
        in response.context["form"].errors["done_date"]
    )


def test_list_filters(client, world):
    other = factories.ActionFactory(
        plan=world.plan,
        priority=world.action.priority,
        reference="1.9",
        title="Newsletter to partners",
    )
    status_update_record(
        action=other, author=world.users["coordinator"], status="off_track", commentary="Late"
    )
    client.force_login(world.users["executive"])
    url = reverse("actions:list")

    def refs(query: str) -> list[str]:
        page = client.get(url + query).context["page"]
        return [a.reference for a in page.object_list]

    assert refs("") == ["1.1", "1.9"]
    assert refs("?q=newsletter") == ["1.9"]
    assert refs("?status=off_track") == ["1.9"]
    assert refs("?status=not_started") == ["1.1"]
    assert refs("?no_update=true") == ["1.1"]
    assert refs(f"?lead={world.lead_agency.pk}") == ["1.1"]
    assert refs(f"?plan={world.plan.pk}") == ["1.1", "1.9"]
    assert refs(f"?heading=p{world.action.priority_id}") == ["1.1", "1.9"]


@pytest.mark.parametrize("query", ["", "?page=2", "?q=newsletter"])
def test_someone_of_no_partnership_sees_an_empty_list(client, world, query):
    client.force_login(factories.UserFactory())
    response = client.get(reverse("actions:list") + query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    plans = response.context["filter"].form.fields["plan"].widget.choices
    assert list(plans) == [("", "All plans")]


def test_a_list_row_shows_its_action_escaped_with_its_place_leads_and_status(client, world):
    """A row of the action list: its number, title (a link to its page), partnership and
    plan, priority and heading, each lead on a line of its own, its flags and its status;
    what an action says is escaped."""
    from lxml import html as lxml_html

    from priorities.models import Workstream

    action = world.action
    heading = Workstream.objects.create(priority=action.priority, title="Pursue & <prevent>")
    type(action).objects.filter(pk=action.pk).update(
        title='<script>"Safe" & sound</script>', workstream=heading
    )
    action.lead_agencies.add(factories.AgencyFactory(short_name="A&B <Trust>"))
    status_update_record(
        action=action, author=world.users["coordinator"], status="at_risk", commentary="Slow"
    )
    client.force_login(world.users["executive"])
    page = client.get(reverse("actions:list")).content.decode()
    assert "<script>" not in page and "&lt;script&gt;&quot;Safe&quot; &amp; sound" in page
    row = lxml_html.fromstring(page).xpath('//*[@data-testid="action-list"]/tbody/tr')[0]
    number, what, leads, status = (" ".join(cell.text_content().split()) for cell in row)
    assert number == "1.1"
    assert what == (
        f'<script>"Safe" & sound</script> {world.plan.partnership.short_name} – '
        f"{world.plan.title} Priority 1: {action.priority.title} – Pursue & <prevent>"
    )
    link = row.xpath(".//a")[0].get("href")
    assert link == reverse("actions:detail", kwargs={"pk": action.pk})
    assert leads == "A&B <Trust> Swale BC" and len(row[2].xpath(".//br")) == 1
    assert status == "At risk"
    assert "No update this quarter" not in what  # updated this quarter


def test_the_list_filter_shows_what_was_asked_escaped(client, world):
    """The filter's fields: the words asked for, escaped, in their box; a checkbox ticked
    only when asked; the status chosen selected; a select's hint named by it."""
    from lxml import html as lxml_html

    from actions.filters import FULL_CHOICE_PLANS

    for year in range(FULL_CHOICE_PLANS):  # too many plans to offer every heading at once
        factories.PlanFactory(partnership=world.plan.partnership, start_year=2010 + year)
    client.force_login(world.users["county_admin"])
    response = client.get(reverse("actions:list"), {"q": '<b>"x', "overdue": "true"})
    page = response.content.decode()
    assert 'value="&lt;b&gt;&quot;x"' in page and "<b>" not in page
    form = lxml_html.fromstring(page).xpath('//form[@class="app-filter"]')[0]
    assert form.xpath('.//input[@name="q"]')[0].get("value") == '<b>"x'
    assert form.xpath('.//input[@name="overdue"]')[0].get("checked") is not None
    assert form.xpath('.//input[@name="no_update"]')[0].get("checked") is None
    lead = form.xpath('.//select[@name="lead"]')[0]
    assert lead.get("aria-describedby") == "id_lead-hint"
    assert form.xpath('.//*[@id="id_lead-hint"]')[0].text.startswith("Choose a plan")
    chosen = client.get(reverse("actions:list"), {"status": "at_risk"}).content.decode()
    status = lxml_html.fromstring(chosen).xpath('//select[@name="status"]')[0]
    assert [o.get("value") for o in status.xpath("option[@selected]")] == ["at_risk"]
    assert status.get("aria-describedby") is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("plan={other_plan}", "Select a plan from the list"),
        ("status=not-a-choice", "Select a status from the list"),
        ("heading=p999999", "Select a priority or theme from the list"),
        ("lead=abc", "Select a lead agency from the list"),
        ("q=%00", "Words in the title must not contain the character U+0000"),
        ("q=" + "x" * 201, "Enter words of 200 characters or fewer"),
    ],
)
def test_a_filter_that_is_not_valid_is_an_error_and_lists_nothing(client, world, query, message):
    client.force_login(world.users["executive"])
    query = query.format(other_plan=world.other_plan.pk)
    response = client.get(reverse("actions:list") + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and page.count(message) == 2  # summary and field
    assert "<title>Error: All actions" in page
    assert list(response.context["page"].object_list) == []
    assert "Correct the filter to see the actions" in page
    assert "Select a valid choice" not in page


def test_overdue_filter(client, world):
    factories.MilestoneFactory(
        action=world.action, timescale="Sept 23", timescale_kind="due", due_date="2023-09-30"
    )
    client.force_login(world.users["executive"])
    page = client.get(reverse("actions:list") + "?overdue=true").context["page"]
    assert [a.reference for a in page.object_list] == ["1.1"]


def _many_actions(world, n: int, start: int = 0) -> None:
    lead = world.lead_agency
    for i in range(start, start + n):
        action = factories.ActionFactory(
            plan=world.plan,
            priority=world.action.priority,
            reference=f"7.{i}",
            lead_agencies=[lead],
        )
        factories.MilestoneFactory(action=action)
        status_update_record(
            action=action,
            author=world.users["officer"],
            status="on_track",
            commentary="ok",
            milestones_completed=[],
        )


PAGES = [
    ("actions:mine", None, 11),
    ("actions:list", None, 19),  # 18, and the headings to filter by
    ("actions:detail", "action", 16),
    ("actions:update", "action", 16),  # 12, the last update and the changes since it
    ("actions:edit", "action", 17),  # 16, and the headings to choose from
    ("actions:milestone_add", "action", 13),
    ("actions:milestone_edit", "milestone", 10),
]


def _count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "obj", "limit"), PAGES)
def test_query_counts_are_pinned_and_do_not_grow_with_actions(
    client, world, django_assert_max_num_queries, name, obj, limit
):
    client.force_login(world.users["coordinator"])
    pks = {"action": world.action.pk, "milestone": world.milestone.pk}
    url = reverse(name, kwargs={"pk": pks[obj]} if obj else None)
    _many_actions(world, 1)
    with django_assert_max_num_queries(limit):
        client.get(url)
    few = _count_queries(client, url)
    _many_actions(world, 199, start=1)
    many = _count_queries(client, url)
    assert few == many, f"{url}: {few} queries with 2 actions, {many} with 201"


def test_detail_shows_who_changed_what_including_leads(client, world):
    new_lead = factories.AgencyFactory(short_name="KFRS")
    _reword(world, "Reworded", [new_lead])
    client.force_login(world.users["executive"])
    response = client.get(reverse("actions:detail", kwargs={"pk": world.action.pk}))
    changes = response.context["changes"]
    assert len(changes) == 1
    fields = {c["field"]: (c["old"], c["new"]) for c in changes[0]["changes"]}
    assert fields["lead agencies"] == ("Swale BC", "KFRS")
    assert fields["action"][1] == "Reworded"
    assert changes[0]["who"] == world.users["coordinator"]


@pytest.mark.parametrize("change", ["text", "milestone", "milestone added"])
def test_the_change_history_is_read_only_for_an_action_that_can_show_a_change(
    client, world, change
):
    """An action whose history holds only what it was made with reads neither history
    (may_have_changed, read with it): two queries fewer; one changed since reads them, and
    shows the change, on its page and beside its update form."""
    from datetime import timedelta

    from django.db.models import F

    from actions.models import Action, Milestone
    from actions.services import MilestoneData, milestone_create, milestone_update

    # Made an hour ago, with its milestones: what is saved now is a change.
    for records in (
        Action.history.filter(id=world.action.pk),
        Milestone.history.filter(action_id=world.action.pk),
    ):
        records.update(history_date=F("history_date") - timedelta(hours=1))
    client.force_login(world.users["coordinator"])
    pages = [
        reverse("actions:detail", kwargs={"pk": world.action.pk}),
        reverse("actions:update", kwargs={"pk": world.action.pk}),
    ]
    unchanged = [_count_queries(client, url) for url in pages]
    assert "Changes to this action" not in client.get(pages[0]).content.decode()
    if change == "text":
        _reword(world, "Reworded", list(world.action.lead_agencies.all()))
    elif change == "milestone":
        milestone = world.milestone
        milestone_update(
            milestone=milestone,
            data=MilestoneData(description="Redone", timescale=milestone.timescale),
            expected_version=milestone.lock_version,
            user=world.users["coordinator"],
        )
    else:
        milestone_create(action=world.action, data=MilestoneData(description="Another one"))
    changed = [_count_queries(client, url) for url in pages]
    assert all(c > u for c, u in zip(changed, unchanged, strict=True))
    assert "Changes to this action" in client.get(pages[0]).content.decode()


def test_detail_lists_the_themes_the_action_also_supports(client, world):
    """Its themes, in their order, are read only for an action that supports any (one
    query less for most actions); one that supports none shows no row for them."""
    client.force_login(world.users["officer"])
    url = reverse("actions:detail", kwargs={"pk": world.action.pk})
    without = _count_queries(client, url)
    assert "Also supports" not in client.get(url).content.decode()
    plan = world.action.plan
    world.action.supports_themes.set(
        [
            factories.ThemeFactory(plan=plan, number=8, title="Safer roads"),
            factories.ThemeFactory(plan=plan, number=7, title="Young people"),
        ]
    )
    page = client.get(url).content.decode()
    assert "Also supports" in page
    assert "Young people, Safer roads" in page
    assert _count_queries(client, url) == without + 1


def test_a_status_update_and_an_edit_of_the_text_do_not_block_each_other(client, world):
    """They are different things with their own versions: neither is stale for the other."""
    opened = {"updates": world.action.updates_version, "text": world.action.lock_version}
    client.force_login(world.users["officer"])
    response = client.post(
        reverse("actions:update", kwargs={"pk": world.action.pk}),
        {"status": "on_track", "commentary": "Fine", "updates_version": opened["updates"]},
    )
    assert response.status_code == 302
    client.force_login(world.users["coordinator"])
    response = _edit_action(client, world, title="New words", lock_version=opened["text"])
    assert response.status_code == 302


def test_the_update_form_shows_the_last_update_and_what_changed_since(client, world):
    from actions.services import Figure

    status_update_record(
        action=world.action,
        author=world.users["officer"],
        status="on_track",
        commentary="Four of six sessions delivered",
        figures=[Figure(label="attendees", value=300)],
        milestones_completed=[],
    )
    client.force_login(world.users["officer"])
    url = reverse("actions:update", kwargs={"pk": world.action.pk})
    page = client.get(url)
    since = page.context["since"]
    assert since.last.commentary == "Four of six sessions delivered"
    assert since.changes == []
    text = page.content.decode()
    assert "Four of six sessions delivered" in text
    assert "attendees: 300" in text
    # As the page writes it (a generated name may hold an apostrophe: "O'Brien").
    assert escape(world.users["officer"].get_full_name()) in text
    assert "Nothing has changed since then" in text

    world.action.refresh_from_db()
    _reword(world, "Reworded after the update", list(world.action.lead_agencies.all()))
    text = client.get(url).content.decode()
    assert "Reworded after the update" in text
    assert "Nothing has changed" not in text


def test_the_update_form_says_when_there_is_no_update_yet(officer_client, world):
    page = officer_client.get(reverse("actions:update", kwargs={"pk": world.action.pk}))
    assert page.context["since"].last is None
    assert "No update has been recorded yet" in page.content.decode()
