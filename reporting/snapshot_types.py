"""The shape of an exception report's snapshot: the JSON document stored in
``ExceptionReport.snapshot`` and read by the report's page, PDF and email. Built by
``reporting.snapshot.exception_report_snapshot``; a change of shape bumps its
``SNAPSHOT_SCHEMA``. Dates are ISO strings, statuses the values of ``actions.Status`` (or
``"no_update"``)."""

from typing import Any, TypedDict


class PartnershipRef(TypedDict):
    id: int
    name: str
    short_name: str


class QuarterRef(TypedDict):
    financial_year: int
    number: int
    label: str
    months: str
    start: str
    end: str


class PlanRef(TypedDict):
    id: int
    title: str
    period: str


class Bucket(TypedDict):
    """A column of the summary: a status, or no update this quarter."""

    key: str
    label: str


class BucketCount(Bucket):
    count: int


class Group(TypedDict):
    """A priority's or theme's row of the summary: its counts in the order of ``buckets``."""

    label: str
    counts: list[int]
    total: int


class Summary(TypedDict):
    groups: list[Group]
    totals: list[BucketCount]


class Comparison(Bucket):
    previous: int
    current: int
    change: int


class ActionEntry(TypedDict):
    """What every list of the report says about an action."""

    id: int
    reference: str
    title: str
    group: str
    leads: str


class StatusException(ActionEntry):
    """Off track or at risk this quarter."""

    status: str
    commentary: str
    reason: str
    updated_on: str
    status_before: str


class OverdueMilestone(ActionEntry):
    milestone: str
    timescale: str
    due_date: str
    days_overdue: int
    status: str


class NoUpdate(ActionEntry):
    last_status: str
    last_quarter: str


class Worse(ActionEntry):
    status_before: str
    status: str
    commentary: str
    reason: str


class Completed(ActionEntry):
    commentary: str


class Change(ActionEntry):
    """A move from one column of the summary to another since last quarter."""

    before: str
    after: str


class Exceptions(TypedDict):
    off_track: list[StatusException]
    at_risk: list[StatusException]
    overdue_milestones: list[OverdueMilestone]
    no_update: list[NoUpdate]
    worse: list[Worse]
    completed: list[Completed]


class PerformanceSection(TypedDict):
    """The indicators and funded projects the report adds: their shapes are
    performance/snapshot.py's (indicators_for_report, projects_for_report)."""

    indicators: dict[str, Any]
    funded_projects: dict[str, Any]


class ReportSnapshot(TypedDict):
    schema: int
    partnership: PartnershipRef
    quarter: QuarterRef
    previous_quarter: str
    as_at: str
    interim: bool
    plans: list[PlanRef]
    action_count: int
    buckets: list[Bucket]
    summary: Summary
    comparison: list[Comparison]
    changes: list[Change]
    exceptions: Exceptions
    performance: PerformanceSection
    # Actions whose update for the quarter was waiting for sign-off when it was built.
    awaiting_sign_off: int
