"""The update form's page renders its fields through plain templates
(actions/includes/status_update_fields.html, templates/includes/fields/) rather than
crispy-forms-gds: the HTML must stay what crispy-forms-gds renders for the form's layout
(form.helper, which the update request page still uses), errors and all; and a form as
opened, whose fields are filled into their template rendered once
(``{% status_update_fields %}``), the same as one rendered in full."""

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from actions.forms import StatusUpdateForm
from actions.models import Milestone
from csp_tracker.templatetags.govuk_fields import widget_html
from tests import factories
from tests.world import build_world

pytestmark = pytest.mark.django_db

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
# The fields as the update form's page writes them.
PLAIN = Template(
    "{% load crispy_forms_utils update_form %}\n\n"
    "{% specialspaceless %}{% status_update_fields form %}{% endspecialspaceless %}\n"
)


@pytest.fixture
def world(db):
    return build_world()


def _both(form: StatusUpdateForm) -> tuple[str, str]:
    request = RequestFactory().get("/")
    plain = PLAIN.render(Context({"form": form, "request": request, "csrf_token": "token"}))
    # crispy-forms changes the form's widgets as it renders: a form of its own.
    again = StatusUpdateForm(
        form.data if form.is_bound else None, action=form.action, initial=form.initial
    )
    if form.is_bound:
        again.is_valid()
    crispy = CRISPY.render(Context({"form": again, "request": request, "csrf_token": "token"}))
    return plain, crispy


BOUND = [
    {},
    {"updates_version": "1", "status": "on_track", "commentary": "Going well"},
    {
        "updates_version": "abc",
        "status": "nope",
        "commentary": "x" * 2001,
        "reason": "a\x00b",
        "milestones_completed": ["abc"],
        "figures-TOTAL_FORMS": "3",
        "figures-INITIAL_FORMS": "0",
        "figures-0-label": "attendees",
        "figures-1-value": "5",
        "figures-2-label": "<b>x</b> & “y”",
        "figures-2-value": "lots",
    },
    {
        "updates_version": "0",
        "status": "at_risk",
        "commentary": '  a >   < b & "q"\n<script>',
        "reason": "   ",
        "figures-TOTAL_FORMS": "9",
    },
]


@pytest.mark.parametrize("data", BOUND)
@pytest.mark.parametrize("milestones", [True, False])
def test_the_fields_are_the_html_crispy_forms_gds_renders(world, data, milestones):
    if milestones:
        factories.MilestoneFactory(action=world.action, description="Second <one>")
        data = {**data, "milestones_completed": [str(world.milestone.pk)]} if data else data
    else:
        Milestone.objects.filter(action=world.action).delete()
    form = StatusUpdateForm(data or None, action=world.action, initial={"updates_version": 1})
    if form.is_bound:
        form.is_valid()
    plain, crispy = _both(form)
    assert ("milestones_completed" in plain) is milestones
    assert plain == crispy


@pytest.mark.parametrize("milestones", [0, 1, 3])
@pytest.mark.parametrize("token", ["token", "a" * 64])
def test_a_form_as_opened_is_filled_in_as_its_template_renders_it(world, milestones, token):
    from actions.templatetags.update_form import _FIELDS, _is_as_opened

    Milestone.objects.filter(action=world.action).delete()
    for n in range(milestones):
        factories.MilestoneFactory(action=world.action, description=f"Done <{n}> & “so”\n ")
    form = StatusUpdateForm(action=world.action, initial={"updates_version": 12})
    assert _is_as_opened(form)
    context = {"form": form, "request": RequestFactory().get("/"), "csrf_token": token}
    filled = PLAIN.render(Context(context))
    whole = Template(
        "{% load crispy_forms_utils govuk_fields %}\n\n{% specialspaceless %}"
        f'{{% include "{_FIELDS}" with milestones=milestones updates_version=version %}}'
        "{% endspecialspaceless %}\n"
    )
    checkboxes = Template(
        '{% load govuk_fields %}{% if "milestones_completed" in form.fields %}'
        '{% govuk_checkboxes form.milestones_completed legend_size="govuk-fieldset__legend--m" '
        'legend_tag="h2" %}{% endif %}'
    )
    shown = {
        **context,
        "milestones": checkboxes.render(Context(context)),
        "version": widget_html(form["updates_version"]),
    }
    assert filled == whole.render(Context(shown))
    assert filled.count(f'value="{token}"') == 4 and 'value="12"' in filled


class _Widgets(forms.Form):
    name = forms.CharField(max_length=10, help_text="A hint")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    number = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    amount = forms.DecimalField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": 'a "b" <c> & d', "text": "\n<x> & y", "number": "x", "amount": "1.5"}],
)
def test_a_plain_widget_is_written_as_django_renders_it(data):
    form = _Widgets(data)
    if data is not None:
        form.is_valid()
    for field in form:
        assert widget_html(field) == str(field)


SENT = [
    [],
    ["{m}"],
    ["{m}", "{m}"],
    ["{m2}", "{m}"],
    ["{m}", "{other}"],
    ["abc"],
    ["abc", "{other}"],
    [" {m} "],
    ["1.5"],
    ["{m}\x00"],
    "{m}",
]


@pytest.mark.parametrize("sent", SENT)
def test_the_milestones_sent_are_checked_as_the_query_checked_them(world, sent):
    """ActionMilestonesField checks the keys against the milestones read with the action:
    what Django's ModelMultipleChoiceField (checkboxes_field) made of them by a query."""
    from django.core.exceptions import ValidationError

    from csp_tracker.forms import checkboxes_field

    second = factories.MilestoneFactory(action=world.action, order=0)
    keys = {"m": world.milestone.pk, "m2": second.pk, "other": world.other_milestone.pk}
    value = [s.format(**keys) for s in sent] if isinstance(sent, list) else sent.format(**keys)
    by_query = checkboxes_field(
        label="Milestones",
        queryset=Milestone.objects.filter(action=world.action).order_by("order", "id"),
        message="Select only milestones of this action",
    )
    ours = StatusUpdateForm(None, action=world.action).fields["milestones_completed"]

    def outcome(field: forms.Field) -> object:
        try:
            return [m.pk for m in field.clean(value)]
        except ValidationError as refused:
            return refused.code, refused.messages

    assert outcome(ours) == outcome(by_query)


def test_a_key_too_large_for_the_database_is_a_milestone_of_no_row(world):
    """(The query refused it with a database error on SQLite.)"""
    from django.core.exceptions import ValidationError

    field = StatusUpdateForm(None, action=world.action).fields["milestones_completed"]
    with pytest.raises(ValidationError) as refused:
        field.clean(["99999999999999999999"])
    assert refused.value.messages == ["Select only milestones of this action"]
