from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db.models import Model
from factory.django import DjangoModelFactory

from accounts.models import User
from actions.models import Action, Milestone
from performance.models import Grant, Indicator
from performance.services import GrantData, IndicatorData, grant_create, indicator_create
from plans.models import Agency, Membership, Partnership, Plan, PlanSection, PlanVersion
from priorities.models import CrossCuttingTheme, Priority, PriorityCategory
from reporting.models import ExceptionReport

M = TypeVar("M", bound=Model)


class ModelFactory(DjangoModelFactory[M]):
    """factory_boy's factory for model ``M``: calling it creates an ``M``."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass turns ``SomeFactory(...)`` into ``create(...)``, which
        # returns the model; its untyped ``__new__`` would make it the factory instead.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("a-long-test-password")


class AgencyFactory(ModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ["short_name"]

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")


class CountyFactory(ModelFactory[Partnership]):
    class Meta:
        model = Partnership
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"County {n} Community Safety Partnership")
    short_name = factory.Sequence(lambda n: f"County {n} CSP")
    slug = factory.Sequence(lambda n: f"county-{n}")
    kind = Partnership.Kind.COUNTY
    # As partnerships are set up (partnerships.services): a county's team publishes.
    coordinators_publish = factory.LazyAttribute(lambda o: o.kind != Partnership.Kind.COUNTY)


class DistrictFactory(CountyFactory):
    name = factory.Sequence(lambda n: f"District {n} Community Safety Partnership")
    short_name = factory.Sequence(lambda n: f"District {n} CSP")
    slug = factory.Sequence(lambda n: f"district-{n}")
    kind = Partnership.Kind.DISTRICT
    parent = factory.SubFactory(CountyFactory)


class UnitaryFactory(CountyFactory):
    name = factory.Sequence(lambda n: f"Unitary {n} Community Safety Partnership")
    short_name = factory.Sequence(lambda n: f"Unitary {n} CSP")
    slug = factory.Sequence(lambda n: f"unitary-{n}")
    kind = Partnership.Kind.UNITARY


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(DistrictFactory)
    role = Membership.Role.OFFICER
    agency = factory.SubFactory(AgencyFactory)


class PlanFactory(ModelFactory[Plan]):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(DistrictFactory)
    kind = Plan.Kind.COMMUNITY_SAFETY_PLAN
    title = factory.LazyAttribute(lambda o: f"{o.partnership.short_name} Community Safety Plan")
    start_year = 2023
    end_year = 2024
    status = Plan.Status.PUBLISHED


class SectionFactory(ModelFactory[PlanSection]):
    class Meta:
        model = PlanSection

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Section {n}")
    body = "Some text."


class CategoryFactory(ModelFactory[PriorityCategory]):
    class Meta:
        model = PriorityCategory
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Category {n}")
    order = factory.Sequence(int)


H = TypeVar("H", Priority, CrossCuttingTheme)


class HeadingFactory(ModelFactory[H]):
    class Meta:
        abstract = True

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)


class PriorityFactory(HeadingFactory[Priority]):
    class Meta:
        model = Priority

    title = factory.Sequence(lambda n: f"Priority {n}")


class ThemeFactory(HeadingFactory[CrossCuttingTheme]):
    class Meta:
        model = CrossCuttingTheme

    title = factory.Sequence(lambda n: f"Theme {n}")


class ActionFactory(ModelFactory[Action]):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    priority = factory.SubFactory(PriorityFactory)
    plan = factory.LazyAttribute(lambda o: o.priority.plan if o.priority else o.theme.plan)
    theme = None
    reference = factory.Sequence(lambda n: f"9.{n}")
    title = factory.Sequence(lambda n: f"Action {n}")
    desired_outcome = "Things get better"

    @factory.post_generation
    def lead_agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: object) -> None:
        if create and extracted:
            self.lead_agencies.set(extracted)


class MilestoneFactory(ModelFactory[Milestone]):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    order = factory.Sequence(int)
    description = factory.Sequence(lambda n: f"Milestone {n}")
    timescale = "Ongoing"
    timescale_kind = "ongoing"


def _now():
    from csp_tracker import clock

    return clock.now()


def _snapshot(o):
    from csp_tracker.periods import Quarter
    from reporting.snapshot import exception_report_snapshot

    return exception_report_snapshot(
        partnership=o.partnership, quarter=Quarter(o.financial_year, o.quarter)
    )


class ExceptionReportFactory(ModelFactory[ExceptionReport]):
    """A ready report with a tiny stand-in PDF; build real ones with the service."""

    class Meta:
        model = ExceptionReport

    partnership = factory.SubFactory(DistrictFactory)
    financial_year = 2023
    quarter = 3
    revision = factory.Sequence(lambda n: n + 1)
    status = "ready"
    snapshot = factory.LazyAttribute(lambda o: _snapshot(o))
    counts = factory.LazyAttribute(
        lambda o: {t["key"]: t["count"] for t in o.snapshot["summary"]["totals"]}
    )
    created_at = factory.LazyFunction(_now)
    built_at = factory.LazyFunction(_now)
    pdf = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.7\n%%EOF\n")
    pdf_sha256 = "0" * 64
    pdf_size = len(b"%PDF-1.7\n%%EOF\n")


# --- publishing ---------------------------------------------------------------------------

MINIMAL_PDF = b"%PDF-1.7\n% a stand-in for a rendered document\n%%EOF\n"


def published_version(
    plan: Plan, number: str = "1.0", *, snapshot: dict[str, Any] | None = None
) -> PlanVersion:
    """A published version of the plan with a (stand-in) PDF and the ``snapshot`` given,
    made in one INSERT: a published version cannot be changed afterwards
    (plans/triggers.py)."""
    import hashlib
    from datetime import date

    from django.core.files.base import ContentFile
    from django.utils import timezone

    existing = plan.versions.filter(number=number).first()
    if existing is not None:
        return existing
    version = PlanVersion(
        plan=plan,
        number=number,
        effective_date=date(plan.start_year, 4, 1),
        status=PlanVersion.Status.PUBLISHED,
        sha256=hashlib.sha256(MINIMAL_PDF).hexdigest(),
        size=len(MINIMAL_PDF),
        published_at=timezone.now(),
        snapshot=snapshot or {},
    )
    version.pdf.save(f"test-{plan.pk}-{number}.pdf", ContentFile(MINIMAL_PDF), save=False)
    version.save()
    return version


# --- performance --------------------------------------------------------------------------


def kent_grant(partnership: Partnership, *, funder: str = "Police and Crime Commissioner") -> Grant:
    """The Kent paper's Crime Reduction Grant for 2023/24, £39,661, made by the service
    (which splits it as the paper did)."""
    return grant_create(
        partnership=partnership,
        data=GrantData(
            name="Crime Reduction Grant",
            funder=funder,
            financial_year=2023,
            amount=Decimal("39661"),
        ),
    )


def asb_indicator(partnership: Partnership, **data: Any) -> Indicator:
    """ASB incidents reported to Kent Police (fewer is better), made by the service;
    ``data`` adds to or overrides the IndicatorData."""
    defaults: dict[str, Any] = {
        "name": "ASB incidents reported to Kent Police",
        "unit": "incidents",
        "source": "Kent Police",
        "direction": Indicator.Direction.LOWER,
    }
    return indicator_create(partnership=partnership, data=IndicatorData(**(defaults | data)))
