"""Exception reports, reporting calendars and their dates, update reminders and reminder
digests, email deliveries.

Squashes reporting 0001-0005.
"""

import django.core.validators
import django.db.models.deletion
import reporting.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('reporting', '0001_initial'),
        ('reporting', '0002_email_deliveries'),
        ('reporting', '0003_reporting_calendar'),
        ('reporting', '0004_reminder_digests'),
        ('reporting', '0005_update_request_emails'),
    ]

    initial = True

    dependencies = [
        ('actions', '0001_squashed_0006_update_reviews'),
        ('plans', '0001_squashed_0011_partnership_updates_need_sign_off'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExceptionReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                ('revision', models.PositiveIntegerField(default=1)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('building', 'Building'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('snapshot', models.JSONField(blank=True, default=dict, help_text='Everything the report shows, frozen at build.')),
                ('counts', models.JSONField(blank=True, default=dict, help_text='The summary totals by status, for lists and the county view.')),
                ('notify_executives', models.BooleanField(default=False, help_text='Email the executive members when it is ready.')),
                ('notified_at', models.DateTimeField(blank=True, null=True)),
                ('task_id', models.CharField(blank=True, max_length=50)),
                ('created_at', models.DateTimeField()),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('built_at', models.DateTimeField(blank=True, null=True)),
                ('failure_reason', models.TextField(blank=True)),
                ('pdf', models.FileField(blank=True, max_length=200, upload_to=reporting.models._pdf_path)),
                ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exception_reports', to='plans.partnership')),
                ('requested_by', models.ForeignKey(blank=True, help_text='Empty for a scheduled build.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['partnership', '-financial_year', '-quarter', '-revision'],
                'constraints': [models.UniqueConstraint(fields=('partnership', 'financial_year', 'quarter', 'revision'), name='exception_report_revision_unique'), models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'building'])), fields=('partnership', 'financial_year', 'quarter'), name='exception_report_one_build_at_a_time'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='exception_report_quarter_1_to_4'), models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'building', 'ready', 'failed'])), name='exception_report_status_valid')],
            },
        ),
        migrations.CreateModel(
            name='ReportingCalendar',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_rule', models.CharField(choices=[('quarter_ends', 'The last day of each quarter'), ('dates', 'Dates we enter')], default='quarter_ends', max_length=20, verbose_name='when updates are due')),
                ('grace_days', models.PositiveSmallIntegerField(default=4, help_text='Days after the due date when a late update still counts.', validators=[django.core.validators.MaxValueValidator(60)], verbose_name='grace period in days')),
                ('build_rule', models.CharField(choices=[('after_due', 'A number of days after each due date'), ('before_meeting', 'A number of days before each meeting')], default='after_due', max_length=20, verbose_name='when the exception report is built')),
                ('build_days', models.PositiveSmallIntegerField(default=5, help_text='After each due date, or before each meeting.', validators=[django.core.validators.MaxValueValidator(120)], verbose_name='days')),
                ('updated_at', models.DateTimeField()),
                ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reporting_calendar', to='plans.partnership')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('due_rule__in', ['quarter_ends', 'dates'])), name='reporting_calendar_due_rule_valid'), models.CheckConstraint(condition=models.Q(('build_rule__in', ['after_due', 'before_meeting'])), name='reporting_calendar_build_rule_valid'), models.CheckConstraint(condition=models.Q(('grace_days__lte', 60), ('build_days__lte', 120)), name='reporting_calendar_days_bounded')],
            },
        ),
        migrations.CreateModel(
            name='CalendarDate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('due', 'Updates due'), ('meeting', 'Executive meeting')], max_length=10)),
                ('day', models.DateField()),
                ('calendar', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dates', to='reporting.reportingcalendar')),
            ],
            options={
                'ordering': ['calendar', 'kind', 'day'],
                'constraints': [models.UniqueConstraint(fields=('calendar', 'kind', 'day'), name='calendar_date_once'), models.CheckConstraint(condition=models.Q(('kind__in', ['due', 'meeting'])), name='calendar_date_kind_valid')],
            },
        ),
        migrations.CreateModel(
            name='ReminderDigest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('to', models.EmailField(max_length=254)),
                ('day', models.DateField()),
                ('recorded_at', models.DateTimeField()),
                ('partnership', models.ForeignKey(help_text='The first partnership the email is about (its failures are listed there).', on_delete=django.db.models.deletion.PROTECT, related_name='reminder_digests', to='plans.partnership')),
                ('recipient', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-day', 'to'],
                'constraints': [models.UniqueConstraint(fields=('to', 'day'), name='reminder_digest_one_a_day')],
            },
        ),
        migrations.CreateModel(
            name='UpdateReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField()),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                ('days_before', models.SmallIntegerField(help_text='Days before the deadline: 14, 3, 0 on the day, negative after it.')),
                ('action_count', models.PositiveIntegerField(default=0)),
                ('recorded_at', models.DateTimeField()),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='update_reminders', to='plans.membership')),
                ('kind', models.CharField(choices=[('chaser', 'Chaser'), ('escalation', 'Missing updates, to the coordinators'), ('chase_now', 'Chased by a coordinator')], default='chaser', max_length=12)),
                ('digest', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='reporting.reminderdigest')),
            ],
            options={
                'ordering': ['-recorded_at'],
                'constraints': [models.UniqueConstraint(fields=('membership', 'financial_year', 'quarter', 'kind', 'days_before'), name='update_reminder_once_per_stage')],
            },
        ),
        migrations.CreateModel(
            name='EmailDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('report_ready', 'Exception report ready'), ('update_reminder', 'Update reminder'), ('update_digest', 'Updates still owed'), ('update_request', 'Update request to a lead without an account')], max_length=20)),
                ('to', models.EmailField(help_text='The address, as it was when the email was recorded.', max_length=254)),
                ('subject', models.CharField(max_length=200)),
                ('body', models.TextField()),
                ('state', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sent', 'Sent'), ('failed', 'Could not be sent')], default='pending', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('next_attempt_at', models.DateTimeField(help_text='When a pending email is tried next.')),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='email_deliveries', to='plans.partnership')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reminder', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='email_deliveries', to='reporting.updatereminder')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='email_deliveries', to='reporting.exceptionreport')),
                ('digest', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='email', to='reporting.reminderdigest')),
                ('update_request', models.OneToOneField(blank=True, help_text='Its body holds {link}: the signed link is made when it is sent, not stored.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='email', to='actions.updaterequest')),
            ],
            options={
                'verbose_name_plural': 'email deliveries',
                'ordering': ['partnership', '-created_at', 'to'],
                'indexes': [models.Index(condition=models.Q(('state', 'pending')), fields=['next_attempt_at'], name='email_delivery_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('report__isnull', False)), fields=('report', 'to'), name='email_delivery_report_once'), models.UniqueConstraint(condition=models.Q(('reminder__isnull', False)), fields=('reminder',), name='email_delivery_reminder_once'), models.CheckConstraint(condition=models.Q(('state__in', ['pending', 'sent', 'failed'])), name='email_delivery_state_valid'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'report_ready'), ('report__isnull', False)), models.Q(('kind', 'update_reminder'), ('reminder__isnull', False)), models.Q(('kind', 'update_digest'), ('digest__isnull', False)), models.Q(('kind', 'update_request'), ('update_request__isnull', False)), _connector='OR'), name='email_delivery_names_its_object')],
            },
        ),
    ]
