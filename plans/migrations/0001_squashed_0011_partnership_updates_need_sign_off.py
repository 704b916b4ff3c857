"""Agencies, partnerships with their member agencies and memberships, plans, their sections
and published versions.

Squashes plans 0001-0011. Left out, as they only changed rows a new database cannot have:
0007's data step (counties' coordinators_publish turned off for existing counties) and
0008's (model permissions taken back from everyone but superusers).
"""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from csp_tracker.db import migration_sql
from plans import triggers


class Migration(migrations.Migration):

    replaces = [
        ('plans', '0001_initial'),
        ('plans', '0002_publication'),
        ('plans', '0003_published_versions_frozen'),
        ('plans', '0004_plan_years_bounded'),
        ('plans', '0005_published_versions_frozen_on_delete'),
        ('plans', '0006_plan_yearly_action_plan_of_a_strategy'),
        ('plans', '0007_coordinators_publish_their_plans'),
        ('plans', '0008_admin_rights_for_service_administrators_only'),
        ('plans', '0009_generated_performance_tables'),
        ('plans', '0010_published_versions_no_truncate'),
        ('plans', '0011_partnership_updates_need_sign_off'),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Agency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Full name.', max_length=200, unique=True)),
                ('short_name', models.CharField(help_text='As the tables write it, e.g. "KFRS".', max_length=80, unique=True)),
                ('kind', models.CharField(choices=[('organisation', 'Organisation'), ('partnership_body', 'Partnership body')], default='organisation', max_length=20)),
                ('is_responsible_authority', models.BooleanField(default=False, help_text='A responsible authority under the Crime and Disorder Act 1998.', verbose_name='responsible authority')),
            ],
            options={
                'verbose_name_plural': 'agencies',
                'ordering': ['short_name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAgency',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, help_text='Full name.', max_length=200)),
                ('short_name', models.CharField(db_index=True, help_text='As the tables write it, e.g. "KFRS".', max_length=80)),
                ('kind', models.CharField(choices=[('organisation', 'Organisation'), ('partnership_body', 'Partnership body')], default='organisation', max_length=20)),
                ('is_responsible_authority', models.BooleanField(default=False, help_text='A responsible authority under the Crime and Disorder Act 1998.', verbose_name='responsible authority')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical agency',
                'verbose_name_plural': 'historical agencies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Partnership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('short_name', models.CharField(max_length=80, unique=True)),
                ('slug', models.SlugField(max_length=80, unique=True)),
                ('kind', models.CharField(choices=[('county', 'County'), ('district', 'District'), ('unitary', 'Unitary')], max_length=10)),
                ('parent', models.ForeignKey(blank=True, help_text='The county partnership of a district.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='plans.partnership')),
                ('coordinators_publish', models.BooleanField(default=True, help_text="Districts and unitaries publish their own plans; a county's are published by its county team. The county team may always publish for its districts.", verbose_name='its coordinators publish its plans')),
                ('updates_need_sign_off', models.BooleanField(default=False, help_text="An update is submitted, then approved or returned by a coordinator; only approved updates count (set on the reporting calendar's page).", verbose_name="updates wait for a coordinator's sign-off")),
            ],
            options={
                'ordering': ['kind', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'district'), ('parent__isnull', False)), models.Q(models.Q(('kind', 'district'), _negated=True), ('parent__isnull', True)), _connector='OR'), name='partnership_district_has_county_parent', violation_error_message='A district partnership sits under its county; a county or unitary partnership has no parent.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPartnership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=200)),
                ('short_name', models.CharField(db_index=True, max_length=80)),
                ('slug', models.SlugField(max_length=80)),
                ('kind', models.CharField(choices=[('county', 'County'), ('district', 'District'), ('unitary', 'Unitary')], max_length=10)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, help_text='The county partnership of a district.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.partnership')),
                ('coordinators_publish', models.BooleanField(default=True, help_text="Districts and unitaries publish their own plans; a county's are published by its county team. The county team may always publish for its districts.", verbose_name='its coordinators publish its plans')),
                ('updates_need_sign_off', models.BooleanField(default=False, help_text="An update is submitted, then approved or returned by a coordinator; only approved updates count (set on the reporting calendar's page).", verbose_name="updates wait for a coordinator's sign-off")),
            ],
            options={
                'verbose_name': 'historical partnership',
                'verbose_name_plural': 'historical partnerships',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMembership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('role', models.CharField(choices=[('officer', 'Officer'), ('coordinator', 'Coordinator'), ('executive', 'Executive member'), ('county_admin', 'County admin')], max_length=20)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('agency', models.ForeignKey(blank=True, db_constraint=False, help_text='The agency the person works for. Officers update what it leads.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.agency')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partnership', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.partnership')),
            ],
            options={
                'verbose_name': 'historical membership',
                'verbose_name_plural': 'historical memberships',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PartnershipAgency',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='plans.agency')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='plans.partnership')),
            ],
            options={
                'verbose_name': 'member agency',
                'constraints': [models.UniqueConstraint(fields=('partnership', 'agency'), name='partnership_agency_unique')],
            },
        ),
        migrations.AddField(
            model_name='partnership',
            name='agencies',
            field=models.ManyToManyField(blank=True, related_name='partnerships', through='plans.PartnershipAgency', to='plans.agency'),
        ),
        migrations.CreateModel(
            name='Plan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('csa', 'Community Safety Agreement'), ('community_safety_plan', 'Community Safety Plan'), ('strategy', 'Community Safety Strategy')], max_length=30)),
                ('title', models.CharField(max_length=200)),
                ('start_year', models.PositiveSmallIntegerField(help_text='The year the first financial year starts: 2023 for 2023/24.', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2099)])),
                ('end_year', models.PositiveSmallIntegerField(help_text='The year the last financial year ends: 2024 for 2023/24.', validators=[django.core.validators.MinValueValidator(2001), django.core.validators.MaxValueValidator(2100)])),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('superseded', 'Superseded')], default='draft', max_length=12)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='plans.partnership')),
                ('previous', models.ForeignKey(blank=True, help_text="The plan this one refreshes (for a strategy: last year's action plan).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refreshes', to='plans.plan')),
                ('action_plan_year', models.PositiveSmallIntegerField(blank=True, help_text='For a multi-year strategy with a yearly action plan: the financial year of this action plan (2025 for 2025/26). Empty when the actions run for the whole period.', null=True)),
            ],
            options={
                'ordering': ['partnership', '-start_year', 'title'],
                'constraints': [models.CheckConstraint(condition=models.Q(('end_year__gt', models.F('start_year'))), name='plan_period_ends_after_it_starts', violation_error_message='The period must end after it starts.'), models.CheckConstraint(condition=models.Q(('action_plan_year__isnull', True), models.Q(('action_plan_year__gte', models.F('start_year')), ('action_plan_year__lt', models.F('end_year'))), _connector='OR'), name='plan_action_plan_year_within_period', violation_error_message="The action plan's year is one of the strategy's years."), models.UniqueConstraint(condition=models.Q(('action_plan_year__isnull', True)), fields=('partnership', 'kind', 'start_year', 'end_year'), name='plan_one_per_kind_and_period', violation_error_message='This partnership already has a plan of this kind for this period.'), models.UniqueConstraint(condition=models.Q(('action_plan_year__isnull', False)), fields=('partnership', 'kind', 'start_year', 'end_year', 'action_plan_year'), name='plan_one_action_plan_per_strategy_year', violation_error_message='This strategy already has an action plan for this year.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPlanSection',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('title', models.CharField(max_length=200)),
                ('body', models.TextField(blank=True, help_text='Markdown: headings, lists, links, tables.')),
                ('is_restricted', models.BooleanField(default=False, help_text='Not for publication: never in a public page or a published PDF.', verbose_name='restricted')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('generated', models.CharField(blank=True, choices=[('county_priorities', 'Priorities and cross-cutting themes'), ('leads', 'Leads of the priorities'), ('responsible_authorities', 'Responsible authorities'), ('assessment_counts', 'Strategic assessments: CSPs per category'), ('pcc_priorities', "Priorities beside the PCC's priorities"), ('action_plan', 'The action plan'), ('funded_projects', 'Grants and the projects they fund'), ('indicators', 'Performance indicators')], help_text="A table the tool builds from the plan's data, shown after the text.", max_length=30, verbose_name='table built by the tool')),
            ],
            options={
                'verbose_name': 'historical plan section',
                'verbose_name_plural': 'historical plan sections',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPlan',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('csa', 'Community Safety Agreement'), ('community_safety_plan', 'Community Safety Plan'), ('strategy', 'Community Safety Strategy')], max_length=30)),
                ('title', models.CharField(max_length=200)),
                ('start_year', models.PositiveSmallIntegerField(help_text='The year the first financial year starts: 2023 for 2023/24.', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2099)])),
                ('end_year', models.PositiveSmallIntegerField(help_text='The year the last financial year ends: 2024 for 2023/24.', validators=[django.core.validators.MinValueValidator(2001), django.core.validators.MaxValueValidator(2100)])),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('superseded', 'Superseded')], default='draft', max_length=12)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partnership', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.partnership')),
                ('previous', models.ForeignKey(blank=True, db_constraint=False, help_text="The plan this one refreshes (for a strategy: last year's action plan).", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('action_plan_year', models.PositiveSmallIntegerField(blank=True, help_text='For a multi-year strategy with a yearly action plan: the financial year of this action plan (2025 for 2025/26). Empty when the actions run for the whole period.', null=True)),
            ],
            options={
                'verbose_name': 'historical plan',
                'verbose_name_plural': 'historical plans',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PlanSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('title', models.CharField(max_length=200)),
                ('body', models.TextField(blank=True, help_text='Markdown: headings, lists, links, tables.')),
                ('is_restricted', models.BooleanField(default=False, help_text='Not for publication: never in a public page or a published PDF.', verbose_name='restricted')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='plans.plan')),
                ('generated', models.CharField(blank=True, choices=[('county_priorities', 'Priorities and cross-cutting themes'), ('leads', 'Leads of the priorities'), ('responsible_authorities', 'Responsible authorities'), ('assessment_counts', 'Strategic assessments: CSPs per category'), ('pcc_priorities', "Priorities beside the PCC's priorities"), ('action_plan', 'The action plan'), ('funded_projects', 'Grants and the projects they fund'), ('indicators', 'Performance indicators')], help_text="A table the tool builds from the plan's data, shown after the text.", max_length=30, verbose_name='table built by the tool')),
            ],
            options={
                'ordering': ['plan', 'order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='PlanVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(help_text='e.g. "8.0".', max_length=10)),
                ('effective_date', models.DateField()),
                ('summary', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='plans.plan')),
                ('accessibility_warnings', models.JSONField(blank=True, default=list)),
                ('failure_reasons', models.JSONField(blank=True, default=list, help_text='Why publishing stopped, one problem each.')),
                ('pdf', models.FileField(blank=True, max_length=255, upload_to='publications/%Y/')),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('render_seconds', models.FloatField(blank=True, null=True)),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('size', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='size in bytes')),
                ('snapshot', models.JSONField(blank=True, default=dict, help_text='The data the published document was made from.')),
                ('status', models.CharField(choices=[('recorded', 'Recorded'), ('rendering', 'Rendering'), ('failed', 'Failed'), ('published', 'Published')], default='recorded', max_length=10)),
                ('task_id', models.CharField(blank=True, max_length=50)),
            ],
            options={
                'ordering': ['plan', 'effective_date', 'number'],
                'constraints': [models.UniqueConstraint(fields=('plan', 'number'), name='plan_version_unique'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), models.Q(models.Q(('pdf', ''), _negated=True), ('published_at__isnull', False), ('size__isnull', False), models.Q(('sha256', ''), _negated=True)), _connector='OR'), name='plan_version_published_has_its_file', violation_error_message='A published version has its PDF, size and checksum.')],
            },
        ),
        migrations.CreateModel(
            name='PlanVersionChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('chapter', models.CharField(blank=True, max_length=80)),
                ('description', models.TextField()),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='plans.planversion')),
            ],
            options={
                'ordering': ['version', 'order'],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('officer', 'Officer'), ('coordinator', 'Coordinator'), ('executive', 'Executive member'), ('county_admin', 'County admin')], max_length=20)),
                ('agency', models.ForeignKey(blank=True, help_text='The agency the person works for. Officers update what it leads.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='plans.agency')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='plans.partnership')),
            ],
            options={
                'ordering': ['partnership', 'role'],
                'constraints': [models.UniqueConstraint(fields=('user', 'partnership'), name='membership_one_role_per_partnership'), models.CheckConstraint(condition=models.Q(models.Q(('role', 'officer'), _negated=True), ('agency__isnull', False), _connector='OR'), name='membership_officer_has_agency', violation_error_message='An officer works for an agency.')],
            },
        ),
        # A published version and its changes are frozen (plans/triggers.py).
        migration_sql(
            lambda vendor: triggers.create_sql(vendor) + triggers.truncate_create_sql(vendor),
            lambda vendor: triggers.truncate_drop_sql(vendor) + triggers.drop_sql(vendor),
        ),
    ]
