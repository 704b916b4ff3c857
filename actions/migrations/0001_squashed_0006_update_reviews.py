"""Actions, milestones, status updates with their sign-off steps, and update requests.

Squashes actions 0001-0006; the append-only triggers of 0002, 0004, 0005 and 0006 are made
once, after the tables.
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models

from actions import triggers
from csp_tracker.db import migration_sql

# The tables this migration guards, named here: a later migration guards its own.
APPEND_ONLY_TABLES = [
    "actions_statusupdate",
    "actions_statusupdatemilestone",
    "actions_updatereview",
]


class Migration(migrations.Migration):

    replaces = [
        ('actions', '0001_initial'),
        ('actions', '0002_status_updates_append_only'),
        ('actions', '0003_action_updates_version'),
        ('actions', '0004_status_updates_no_truncate'),
        ('actions', '0005_update_requests'),
        ('actions', '0006_update_reviews'),
    ]

    initial = True

    dependencies = [
        ('plans', '0001_squashed_0011_partnership_updates_need_sign_off'),
        ('priorities', '0001_squashed_0002_priority_lists_categories_and_headings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Action',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(help_text='Its number in the plan, e.g. "1.3".', max_length=20)),
                ('order', models.PositiveIntegerField(default=0)),
                ('title', models.TextField(verbose_name='action')),
                ('desired_outcome', models.TextField(blank=True)),
                ('lead_text', models.CharField(blank=True, help_text="The lead cell's words.", max_length=300, verbose_name='lead as written')),
                ('is_linked', models.BooleanField(default=False, verbose_name='linked to another group or strategy')),
                ('linked_to', models.CharField(blank=True, max_length=300)),
                ('is_grant_funded', models.BooleanField(default=False, verbose_name='grant funded')),
                ('lineage', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False, help_text='The same across refreshes: an action keeps its history when its number changes.')),
                ('lock_version', models.PositiveIntegerField(default=1, help_text='Raised by every change of the action, to refuse stale edits.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('carried_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='carried_to', to='actions.action')),
                ('lead_agencies', models.ManyToManyField(blank=True, related_name='led_actions', to='plans.agency')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='plans.plan')),
                ('priority', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='priorities.priority')),
                ('supports_themes', models.ManyToManyField(blank=True, related_name='supporting_actions', to='priorities.crosscuttingtheme')),
                ('theme', models.ForeignKey(blank=True, help_text='For an action a cross-cutting theme owns (not a priority).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='priorities.crosscuttingtheme')),
                ('workstream', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='actions', to='priorities.workstream')),
                ('updates_version', models.PositiveIntegerField(default=0, help_text='Raised by every status update, to refuse an update made without seeing the one before it.')),
            ],
            options={
                'ordering': ['plan', 'order', 'id'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'reference'), name='action_reference_unique_in_plan', violation_error_message='An action with this number is already in the plan.'), models.CheckConstraint(condition=models.Q(models.Q(('priority__isnull', False), ('theme__isnull', True)), models.Q(('priority__isnull', True), ('theme__isnull', False)), _connector='OR'), name='action_under_priority_or_theme', violation_error_message='An action belongs to exactly one priority or theme.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAction',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reference', models.CharField(help_text='Its number in the plan, e.g. "1.3".', max_length=20)),
                ('order', models.PositiveIntegerField(default=0)),
                ('title', models.TextField(verbose_name='action')),
                ('desired_outcome', models.TextField(blank=True)),
                ('lead_text', models.CharField(blank=True, help_text="The lead cell's words.", max_length=300, verbose_name='lead as written')),
                ('is_linked', models.BooleanField(default=False, verbose_name='linked to another group or strategy')),
                ('linked_to', models.CharField(blank=True, max_length=300)),
                ('is_grant_funded', models.BooleanField(default=False, verbose_name='grant funded')),
                ('lineage', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False, help_text='The same across refreshes: an action keeps its history when its number changes.')),
                ('lock_version', models.PositiveIntegerField(default=1, help_text='Raised by every change of the action, to refuse stale edits.')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('carried_from', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actions.action')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('priority', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='priorities.priority')),
                ('theme', models.ForeignKey(blank=True, db_constraint=False, help_text='For an action a cross-cutting theme owns (not a priority).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='priorities.crosscuttingtheme')),
                ('workstream', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='priorities.workstream')),
                ('updates_version', models.PositiveIntegerField(default=0, help_text='Raised by every status update, to refuse an update made without seeing the one before it.')),
            ],
            options={
                'verbose_name': 'historical action',
                'verbose_name_plural': 'historical actions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAction_lead_agencies',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('action', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actions.action')),
                ('agency', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.agency')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='actions.historicalaction')),
            ],
            options={
                'verbose_name': 'HistoricalAction_lead_agencies',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMilestone',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('description', models.TextField()),
                ('lead_text', models.CharField(blank=True, max_length=300, verbose_name='lead as written')),
                ('timescale', models.CharField(blank=True, help_text='As written: "Sept 23", "Ongoing".', max_length=100)),
                ('timescale_kind', models.CharField(choices=[('due', 'due'), ('ongoing', 'ongoing'), ('recurring', 'recurring'), ('as_required', 'as_required'), ('unknown', 'unknown')], default='unknown', max_length=16)),
                ('due_date', models.DateField(blank=True, help_text='Derived from the timescale.', null=True)),
                ('done_date', models.DateField(blank=True, null=True)),
                ('lock_version', models.PositiveIntegerField(default=1)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('action', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actions.action')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lead', models.ForeignKey(blank=True, db_constraint=False, help_text="Its own lead, where the plan gives one; else the action's.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.agency')),
            ],
            options={
                'verbose_name': 'historical milestone',
                'verbose_name_plural': 'historical milestones',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('description', models.TextField()),
                ('lead_text', models.CharField(blank=True, max_length=300, verbose_name='lead as written')),
                ('timescale', models.CharField(blank=True, help_text='As written: "Sept 23", "Ongoing".', max_length=100)),
                ('timescale_kind', models.CharField(choices=[('due', 'due'), ('ongoing', 'ongoing'), ('recurring', 'recurring'), ('as_required', 'as_required'), ('unknown', 'unknown')], default='unknown', max_length=16)),
                ('due_date', models.DateField(blank=True, help_text='Derived from the timescale.', null=True)),
                ('done_date', models.DateField(blank=True, null=True)),
                ('lock_version', models.PositiveIntegerField(default=1)),
                ('action', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='actions.action')),
                ('lead', models.ForeignKey(blank=True, help_text="Its own lead, where the plan gives one; else the action's.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='led_milestones', to='plans.agency')),
            ],
            options={
                'ordering': ['action', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='UpdateRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contact_name', models.CharField(max_length=150, verbose_name='their name')),
                ('contact_email', models.EmailField(max_length=254, verbose_name='their email address')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                ('secret', models.CharField(editable=False, help_text="Random; the link's token is signed over it.", max_length=64)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('actions', models.ManyToManyField(related_name='update_requests', to='actions.action')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.agency')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='update_requests', to='plans.partnership')),
                ('sent_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['partnership', '-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='update_request_quarter_1_to_4')],
            },
        ),
        migrations.CreateModel(
            name='StatusUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed')], max_length=12)),
                ('previous_status', models.CharField(blank=True, choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('completed', 'Completed')], help_text="The action's status just before this update.", max_length=12)),
                ('commentary', models.TextField()),
                ('reason', models.TextField(blank=True, verbose_name='reason for the change of status')),
                ('figures', models.JSONField(blank=True, default=list, help_text='Numbers reported: [{"label": …, "value": …}].')),
                ('created_at', models.DateTimeField(db_index=True)),
                ('action', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='updates', to='actions.action')),
                ('author', models.ForeignKey(blank=True, help_text="Empty for an update sent through an update request's link.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='status_updates', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(blank=True, help_text="The link it was sent through, by a lead's contact without an account.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='updates', to='actions.updaterequest')),
            ],
            options={
                'ordering': ['action', 'created_at', 'id'],
                'get_latest_by': ['created_at', 'id'],
                'indexes': [models.Index(fields=['financial_year', 'quarter'], name='actions_sta_financi_fba857_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='status_update_quarter_1_to_4'), models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'completed'])), name='status_update_status_valid'), models.CheckConstraint(condition=models.Q(('author__isnull', False), ('request__isnull', False), _connector='OR'), name='status_update_has_an_author')],
            },
        ),
        migrations.CreateModel(
            name='StatusUpdateMilestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('milestone', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='actions.milestone')),
                ('update', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='actions.statusupdate')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('update', 'milestone'), name='update_milestone_unique')],
            },
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='milestones_completed',
            field=models.ManyToManyField(blank=True, related_name='completed_in', through='actions.StatusUpdateMilestone', to='actions.milestone'),
        ),
        migrations.CreateModel(
            name='UpdateReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision', models.CharField(choices=[('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], max_length=10)),
                ('comment', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('reviewer', models.ForeignKey(blank=True, help_text="Empty for the submission itself (the update's author submits it).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('update', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='actions.statusupdate')),
            ],
            options={
                'ordering': ['update', 'created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('decision__in', ['submitted', 'approved', 'returned'])), name='update_review_decision_valid'), models.CheckConstraint(condition=models.Q(('decision', 'submitted'), ('reviewer__isnull', False), _connector='OR'), name='update_review_has_a_reviewer'), models.CheckConstraint(condition=models.Q(models.Q(('decision', 'returned'), _negated=True), models.Q(('comment', ''), _negated=True), _connector='OR'), name='update_review_returned_with_a_comment'), models.UniqueConstraint(condition=models.Q(('decision', 'submitted')), fields=('update',), name='update_submitted_once'), models.UniqueConstraint(condition=models.Q(('decision__in', ['approved', 'returned'])), fields=('update',), name='update_decided_once')],
            },
        ),
        # Status updates and their sign-off steps are append-only (actions/triggers.py).
        migration_sql(
            lambda vendor: (
                triggers.create_sql(vendor, APPEND_ONLY_TABLES)
                + triggers.truncate_create_sql(vendor, APPEND_ONLY_TABLES)
            ),
            lambda vendor: (
                triggers.truncate_drop_sql(vendor, APPEND_ONLY_TABLES)
                + triggers.drop_sql(vendor, APPEND_ONLY_TABLES)
            ),
        ),
    ]
