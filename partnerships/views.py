"""Running partnerships without the Django admin: setting partnerships up (service
administrators), their member agencies and their people (coordinators and the county
team), and accepting an invitation (anyone with the link)."""

from collections.abc import Callable

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from csp_tracker.http import found_or_404, permitted_or_404, posted_data, require_perm
from partnerships import selectors, services
from partnerships.forms import (
    AgencyAddForm,
    AgencyForm,
    InvitationAcceptForm,
    InviteForm,
    PartnershipEditForm,
    PartnershipForm,
    RoleForm,
    ServiceErrorsForm,
)
from partnerships.models import Invitation
from plans.forms import ImageForm
from plans.images import image_data_uri
from plans.models import Agency, Membership, Partnership
from plans.rules import grantable_roles, who_publishes


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below are all behind login_required)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - login_required comes first
        raise PermissionDenied
    return user


def _partnership(
    request: HttpRequest,
    slug: str,
    get: Callable[..., Partnership] = selectors.partnership_get,
) -> Partnership:
    """A partnership the user runs (``get`` is the selector that reads it): another
    partnership is a 404, one they only belong to a 403."""
    partnership = permitted_or_404(
        request,
        "plans.change_partnership",
        lambda: get(user=_user(request), slug=slug),
        Partnership.DoesNotExist,
        "partnership",
    )
    return partnership


def _saved(
    request: HttpRequest,
    form: ServiceErrorsForm,
    save: Callable[[], HttpResponse],
    *,
    refused_on: str | None = None,
) -> HttpResponse | None:
    """For a posted, valid form, ``save``: the service call, its message and where to go
    next. A refusal is put on the form (services.Refused on ``refused_on``) and None
    returned: the form is shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except services.Refused as refused:
        form.add_error(refused_on, str(refused))
    except ValidationError as error:
        form.add_service_errors(error)
    return None


def _confirm(
    request: HttpRequest,
    partnership: Partnership,
    remove: Callable[[], HttpResponse],
    *,
    title: str,
    warning: str,
    button: str,
    back: str,
) -> HttpResponse:
    """The page that asks before a removal; posted, ``remove`` (the service call, its
    message and where to go next), or the reason it was refused."""
    problem = ""
    if request.method == "POST":
        try:
            return remove()
        except services.Refused as refused:
            problem = str(refused)
    return render(
        request,
        "partnerships/confirm.html",
        {
            "partnership": partnership,
            "title": title,
            "warning": warning,
            "button": button,
            "back": reverse(back, args=[partnership.slug]),
            "problem": problem,
        },
    )


# --- partnerships ---------------------------------------------------------------------


@login_required
@require_safe
def partnership_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    can_create = rules.has_perm("plans.add_partnership", user)
    partnerships = selectors.partnership_manage_list(user=user)
    if not partnerships and not can_create:
        raise PermissionDenied
    return render(
        request,
        "partnerships/partnership_list.html",
        {"partnerships": partnerships, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not rules.has_perm("plans.add_partnership", _user(request)):
        raise PermissionDenied
    form = PartnershipForm(posted_data(request), counties=selectors.county_list())

    def save() -> HttpResponse:
        d = form.cleaned_data
        partnership = services.partnership_create(
            name=d["name"].strip(),
            short_name=d["short_name"].strip(),
            kind=d["kind"],
            parent=d["parent"],
        )
        messages.success(
            request, f"{partnership.short_name} was set up. Now invite its first coordinator."
        )
        return redirect("partnerships:people", slug=partnership.slug)

    return _saved(request, form, save) or render(
        request, "partnerships/partnership_form.html", {"form": form}
    )


@login_required
@require_safe
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug, selectors.partnership_overview)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "who_publishes": who_publishes(partnership),
            "can_edit": _edits(request, partnership) != (False, False),
        },
    )


def _edits(request: HttpRequest, partnership: Partnership) -> tuple[bool, bool]:
    """What the user may change of the partnership: (its names, who publishes)."""
    return (
        rules.has_perm("plans.add_partnership", request.user),
        request.user.has_perm("plans.change_partnership_publishers", partnership),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    names, publishers = _edits(request, partnership)
    if not (names or publishers):
        raise PermissionDenied
    form = PartnershipEditForm(
        posted_data(request),
        names=names,
        publishers=publishers,
        initial={
            "name": partnership.name,
            "short_name": partnership.short_name,
            "coordinators_publish": partnership.coordinators_publish,
        },
    )

    def save() -> HttpResponse:
        d = form.cleaned_data
        services.partnership_update(
            partnership=partnership,
            name=d["name"].strip() if names else None,
            short_name=d["short_name"].strip() if names else None,
            coordinators_publish=d["coordinators_publish"] if publishers else None,
        )
        messages.success(request, f"{partnership.short_name} was changed")
        return redirect("partnerships:detail", slug=partnership.slug)

    return _saved(request, form, save) or render(
        request, "partnerships/partnership_edit.html", {"form": form, "partnership": partnership}
    )


# --- the logo on its documents' covers ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partnership_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The logo its published documents show on their covers: upload, replace, or change
    its alternative text."""
    partnership = _partnership(request, slug)
    has_logo = bool(partnership.logo)
    form = ImageForm(
        posted_data(request),
        request.FILES or None,
        file_required=not has_logo,
        submit="Save the logo",
        initial={"alt": partnership.logo_alt, "is_decorative": partnership.logo_is_decorative},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.partnership_logo_set(
                partnership=partnership,
                image=form.image,
                alt=d["alt"],
                is_decorative=d["is_decorative"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file" if not has_logo else None, message)
        else:
            messages.success(request, f"{partnership.short_name}’s logo was saved")
            return redirect("partnerships:logo", slug=partnership.slug)
    return render(
        request,
        "partnerships/partnership_logo.html",
        {
            "form": form,
            "partnership": partnership,
            "src": image_data_uri(partnership.logo.name or "") if has_logo else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_logo_remove(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    if not partnership.logo:
        raise Http404("The partnership has no logo")
    if request.method == "POST":
        services.partnership_logo_remove(partnership=partnership)
        messages.success(request, f"{partnership.short_name}’s logo was removed")
        return redirect("partnerships:logo", slug=partnership.slug)
    return render(
        request, "partnerships/partnership_logo_remove.html", {"partnership": partnership}
    )


# --- member agencies ------------------------------------------------------------------


@login_required
@require_safe
def agency_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    agencies = list(selectors.member_agency_list(partnership=partnership))
    return render(
        request,
        "partnerships/agency_list.html",
        {
            "partnership": partnership,
            "agencies": agencies,
            # Its names are shared: whoever runs every partnership it is in changes them.
            "changeable": {
                a.pk for a in agencies if request.user.has_perm("plans.change_agency", a)
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = AgencyAddForm(
        posted_data(request), agencies=selectors.agencies_to_add(partnership=partnership)
    )
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        services.partnership_agency_add(partnership=partnership, agency=agency)
        messages.success(request, f"{agency.short_name} is now a member agency")
        return redirect("partnerships:agencies", slug=partnership.slug)
    return render(
        request, "partnerships/agency_add.html", {"form": form, "partnership": partnership}
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = AgencyForm(
        posted_data(request), submit="Add the agency", initial={"kind": Agency.Kind.ORGANISATION}
    )

    def save() -> HttpResponse:
        agency = services.agency_create(partnership=partnership, **form.to_data())
        messages.success(request, f"{agency.short_name} was added")
        return redirect("partnerships:agencies", slug=partnership.slug)

    return _saved(request, form, save) or render(
        request,
        "partnerships/agency_form.html",
        {"form": form, "partnership": partnership, "agency": None},
    )


def _agency(request: HttpRequest, partnership: Partnership, pk: int) -> Agency:
    return found_or_404(
        lambda: selectors.member_agency_get(partnership=partnership, pk=pk),
        Agency.DoesNotExist,
        "agency in this partnership",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    agency = _agency(request, partnership, pk)
    require_perm(request, "plans.change_agency", agency)
    form = AgencyForm(posted_data(request), submit="Save", initial=AgencyForm.initial_for(agency))

    def save() -> HttpResponse:
        services.agency_update(agency=agency, **form.to_data())
        messages.success(request, f"{agency.short_name} was changed")
        return redirect("partnerships:agencies", slug=partnership.slug)

    return _saved(request, form, save) or render(
        request,
        "partnerships/agency_form.html",
        {"form": form, "partnership": partnership, "agency": agency},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    agency = _agency(request, partnership, pk)

    def remove() -> HttpResponse:
        services.partnership_agency_remove(partnership=partnership, agency=agency)
        messages.success(request, f"{agency.short_name} is no longer a member agency")
        return redirect("partnerships:agencies", slug=partnership.slug)

    return _confirm(
        request,
        partnership,
        remove,
        title=f"Remove {agency.short_name} from {partnership.short_name}?",
        warning="It stays in CSP Tracker for the other partnerships it is a member of.",
        button="Remove the agency",
        back="partnerships:agencies",
    )


# --- people ---------------------------------------------------------------------------


@login_required
@require_safe
def people(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    members = list(selectors.people_list(partnership=partnership))
    return render(
        request,
        "partnerships/people.html",
        {
            "partnership": partnership,
            "members": members,
            "changeable": {
                m.pk for m in members if request.user.has_perm("plans.change_membership", m)
            },
            "invitations": selectors.invitation_open_list(partnership=partnership),
        },
    )


def _role_form(
    request: HttpRequest, partnership: Partnership, *, invite: bool, **kwargs: object
) -> RoleForm:
    form_class = InviteForm if invite else RoleForm
    return form_class(
        posted_data(request),
        roles=grantable_roles(request.user, partnership),
        agencies=selectors.member_agency_list(partnership=partnership),
        submit="Send the invitation" if invite else "Save",
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _partnership(request, slug)
    form = _role_form(request, partnership, invite=True)

    def save() -> HttpResponse:
        d = form.cleaned_data
        invitation = services.invitation_send(
            partnership=partnership,
            email=d["email"],
            full_name=d["full_name"],
            role=d["role"],
            agency=d["agency"],
            invited_by=_user(request),
            site_url=request.build_absolute_uri("/"),
        )
        messages.success(
            request,
            f"An invitation is on its way to {invitation.email}. The link works once, "
            f"for {services.INVITATION_VALID_FOR.days} days.",
        )
        return redirect("partnerships:people", slug=partnership.slug)

    return _saved(request, form, save, refused_on="email") or render(
        request,
        "partnerships/invite.html",
        {
            "form": form,
            "partnership": partnership,
            "valid_days": services.INVITATION_VALID_FOR.days,
        },
    )


def _membership(request: HttpRequest, partnership: Partnership, pk: int) -> Membership:
    membership = permitted_or_404(
        request,
        "plans.change_membership",
        lambda: selectors.membership_get(partnership=partnership, pk=pk),
        Membership.DoesNotExist,
        "person in this partnership",
    )
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    membership = _membership(request, partnership, pk)
    form = _role_form(
        request,
        partnership,
        invite=False,
        initial={"role": membership.role, "agency": membership.agency_id},
    )

    def save() -> HttpResponse:
        d = form.cleaned_data
        services.membership_change(
            membership=membership, role=d["role"], agency=d["agency"], changed_by=_user(request)
        )
        messages.success(request, f"{membership.user}’s role was changed")
        return redirect("partnerships:people", slug=partnership.slug)

    return _saved(request, form, save) or render(
        request,
        "partnerships/membership_form.html",
        {"form": form, "partnership": partnership, "membership": membership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    membership = _membership(request, partnership, pk)

    def remove() -> HttpResponse:
        services.membership_remove(membership=membership, removed_by=_user(request))
        messages.success(
            request, f"{membership.user} was removed from {partnership.short_name} and signed out"
        )
        return redirect("partnerships:people", slug=partnership.slug)

    return _confirm(
        request,
        partnership,
        remove,
        title=f"Remove {membership.user} from {partnership.short_name}?",
        warning="They are signed out at once, and can no longer see the partnership. "
        "What they wrote stays.",
        button="Remove them",
        back="partnerships:people",
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = _partnership(request, slug)
    invitation = found_or_404(
        lambda: selectors.invitation_get(partnership=partnership, pk=pk),
        Invitation.DoesNotExist,
        "invitation",
    )

    def remove() -> HttpResponse:
        services.invitation_withdraw(invitation=invitation)
        messages.success(request, f"The invitation to {invitation.email} was withdrawn")
        return redirect("partnerships:people", slug=partnership.slug)

    return _confirm(
        request,
        partnership,
        remove,
        title=f"Withdraw the invitation to {invitation.email}?",
        warning="The link in the email stops working.",
        button="Withdraw the invitation",
        back="partnerships:people",
    )


# --- accepting an invitation (no sign-in: the link is the proof) ------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_by_link(pk=pk, token=token)
    except Invitation.DoesNotExist:
        return render(
            request,
            "partnerships/invitation_problem.html",
            {"reason": "This invitation link does not work", "invitation": None},
            status=404,
        )
    try:
        services.invitation_check(invitation=invitation)
    except services.InvitationNotValid as problem:
        return _invitation_problem(request, invitation, problem)
    has_account = selectors.user_exists(email=invitation.email)
    form = None
    if not has_account:
        form = InvitationAcceptForm(
            User(email=invitation.email, full_name=invitation.full_name),
            posted_data(request),
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["new_password1"] if form else None,
            )
        except services.InvitationNotValid as problem:
            return _invitation_problem(request, invitation, problem)
        messages.success(
            request,
            f"You are now a {invitation.get_role_display().lower()} of "
            f"{invitation.partnership.short_name}. Sign in to continue.",
        )
        return redirect("accounts:login")
    return render(
        request,
        "partnerships/invitation_accept.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
    )


def _invitation_problem(
    request: HttpRequest, invitation: Invitation, problem: services.InvitationNotValid
) -> HttpResponse:
    return render(
        request,
        "partnerships/invitation_problem.html",
        {"reason": str(problem), "used": problem.used, "invitation": invitation},
        status=410,
    )
