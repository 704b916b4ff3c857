from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from actions.models import Milestone
from actions.timescales import TimescaleKind, is_suspicious, parse_timescale


class Command(BaseCommand):
    help = (
        "List milestones whose timescale words were not understood (no due date) or whose "
        "due date falls outside their plan's period, so a person can fix them."
    )

    def handle(self, *args: object, **options: object) -> None:
        milestones = Milestone.objects.select_related("action__plan__partnership").order_by(
            "action__plan__partnership__name", "action__plan__title", "action__order", "order"
        )
        found = 0
        for milestone in milestones:
            plan = milestone.action.plan
            start, end = plan.period_start, plan.period_end
            parsed = parse_timescale(milestone.timescale, period_start=start, period_end=end)
            problem: str | None
            if parsed.kind == TimescaleKind.UNKNOWN:
                problem = f"not understood: {milestone.timescale!r}"
            else:
                problem = is_suspicious(parsed, period_start=start, period_end=end)
            if problem:
                found += 1
                self.stdout.write(
                    f"{plan.partnership.short_name} – {plan.title} – action "
                    f"{milestone.action.reference} – {milestone.description[:60]}: {problem}"
                )
        self.stdout.write(f"{found} timescale{pluralize(found)} to check")
