from csp_tracker.celery import app


def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name}: no task {entry['task']}"


def test_reports_are_built_by_a_daily_sweep_at_nine_that_asks_the_calendar():
    """The beat no longer knows quarter ends: every day at 09:00 the sweep asks each
    partnership's reporting calendar (by default the 5th day after each quarter ends,
    tests/reporting/test_calendar.py)."""
    schedule = app.conf.beat_schedule["build-exception-reports-by-calendar"]["schedule"]
    assert schedule.day_of_month == set(range(1, 32))
    assert schedule.month_of_year == set(range(1, 13))
    assert (schedule.hour, schedule.minute) == ({9}, {0})


def test_reminders_run_every_day_and_stale_builds_are_swept():
    reminders = app.conf.beat_schedule["send-update-reminders"]["schedule"]
    assert reminders.day_of_month == set(range(1, 32))
    sweep = app.conf.beat_schedule["fail-stale-report-builds"]["schedule"]
    assert sweep.minute == set(range(0, 60, 5))


def test_jobs_are_sent_again_and_due_emails_sent_every_minute():
    from datetime import timedelta

    for name in ("resend-jobs", "send-due-emails"):
        entry = app.conf.beat_schedule[name]
        assert entry["schedule"] == timedelta(minutes=1), name
    assert app.conf.beat_schedule["fail-stale-version-renders"]["schedule"].minute == set(
        range(0, 60, 5)
    )
