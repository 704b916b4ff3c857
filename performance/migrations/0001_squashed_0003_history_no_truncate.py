"""Grants, funded projects, bids and indicators.

Squashes performance 0001-0003; the append-only triggers of 0002 and 0003 are made once.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

from csp_tracker.db import migration_sql
from performance import triggers


class Migration(migrations.Migration):

    replaces = [
        ('performance', '0001_initial'),
        ('performance', '0002_history_append_only'),
        ('performance', '0003_history_no_truncate'),
    ]

    initial = True

    dependencies = [
        ('actions', '0001_squashed_0006_update_reviews'),
        ('plans', '0001_squashed_0011_partnership_updates_need_sign_off'),
        ('priorities', '0001_squashed_0002_priority_lists_categories_and_headings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Grant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='e.g. "Crime Reduction Grant".', max_length=200)),
                ('funder', models.CharField(help_text='e.g. "Police and Crime Commissioner".', max_length=200)),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2099)])),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)])),
                ('up_front_amount', models.DecimalField(decimal_places=2, help_text='For projects agreed at the start of the year.', max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='up-front amount')),
                ('tactical_amount', models.DecimalField(decimal_places=2, help_text='For bids during the year.', max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='tactical pot')),
                ('rules', models.TextField(blank=True, help_text="The funder's conditions, in their words.")),
                ('tactical_closes_on', models.DateField(blank=True, help_text='No bid can be made against the tactical pot after this day.', null=True, verbose_name='tactical pot closes on')),
                ('returned_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='underspend returned')),
                ('returned_on', models.DateField(blank=True, null=True)),
                ('return_note', models.TextField(blank=True)),
                ('lock_version', models.PositiveIntegerField(default=1, help_text='Raised by every change, to refuse stale edits.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='plans.partnership')),
            ],
            options={
                'ordering': ['partnership', '-financial_year', 'name'],
                'constraints': [models.UniqueConstraint(fields=('partnership', 'name', 'financial_year'), name='grant_one_per_name_and_year', violation_error_message='This partnership already has this grant for the year.'), models.CheckConstraint(condition=models.Q(('amount__gte', django.db.models.expressions.CombinedExpression(models.F('up_front_amount'), '+', models.F('tactical_amount')))), name='grant_split_within_amount', violation_error_message='The up-front amount and the tactical pot add up to more than the grant.'), models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('tactical_amount__gte', 0), ('up_front_amount__gte', 0)), name='grant_amounts_not_negative')],
            },
        ),
        migrations.CreateModel(
            name='FundedProject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300)),
                ('description', models.TextField(blank=True)),
                ('lead_text', models.CharField(blank=True, help_text='The lead as the paper names it.', max_length=300, verbose_name='lead as written')),
                ('pot', models.CharField(choices=[('up_front', 'Up front'), ('tactical', 'Tactical pot')], default='up_front', max_length=10)),
                ('amount_approved', models.DecimalField(decimal_places=2, help_text='Its own approval, without later top-ups.', max_digits=12, validators=[django.core.validators.MinValueValidator(0)])),
                ('amount_spent', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)])),
                ('start_date', models.DateField(blank=True, null=True)),
                ('end_date', models.DateField(blank=True, null=True)),
                ('order', models.PositiveIntegerField(default=0)),
                ('lock_version', models.PositiveIntegerField(default=1, help_text='Raised by every change and status change, to refuse stale edits.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('action', models.ForeignKey(blank=True, help_text='The action of the plan it supports.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='funded_projects', to='actions.action')),
                ('lead_agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='funded_projects', to='plans.agency')),
                ('grant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='performance.grant')),
            ],
            options={
                'ordering': ['grant', 'order', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount_approved__gte', 0), models.Q(('amount_spent__isnull', True), ('amount_spent__gte', 0), _connector='OR')), name='funded_project_amounts_not_negative'), models.CheckConstraint(condition=models.Q(('pot__in', ['up_front', 'tactical'])), name='funded_project_pot_valid'), models.CheckConstraint(condition=models.Q(('start_date__isnull', True), ('end_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='funded_project_ends_after_it_starts', violation_error_message='The end date must be on or after the start date.')],
            },
        ),
        migrations.CreateModel(
            name='Bid',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300)),
                ('description', models.TextField(blank=True)),
                ('lead_text', models.CharField(blank=True, max_length=300, verbose_name='lead as written')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(0)])),
                ('is_top_up', models.BooleanField(default=False, help_text='More money for a project already funded.', verbose_name='top-up of a funded project')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('declined', 'Declined')], default='pending', max_length=10)),
                ('submitted_on', models.DateField(blank=True, null=True)),
                ('decided_on', models.DateField(blank=True, null=True)),
                ('decision_note', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('action', models.ForeignKey(blank=True, help_text='The action the project would support; its project supports it if approved.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='actions.action')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lead_agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.agency')),
                ('project', models.ForeignKey(blank=True, help_text='The project it tops up, or the project its approval created.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bids', to='performance.fundedproject')),
                ('grant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bids', to='performance.grant')),
            ],
            options={
                'ordering': ['grant', 'created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'declined'])), name='bid_status_valid'), models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='bid_amount_positive'), models.CheckConstraint(condition=models.Q(models.Q(('is_top_up', True), _negated=True), ('project__isnull', False), _connector='OR'), name='bid_top_up_names_its_project', violation_error_message='A top-up is for a project already funded.')],
            },
        ),
        migrations.CreateModel(
            name='Indicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('unit', models.CharField(help_text='What is counted: "incidents", "people".', max_length=50)),
                ('source', models.CharField(help_text='Where the numbers come from: "Kent Police".', max_length=200)),
                ('direction', models.CharField(choices=[('lower', 'Lower is better'), ('higher', 'Higher is better')], max_length=10, verbose_name='direction of good')),
                ('frequency', models.CharField(choices=[('quarterly', 'Quarterly'), ('monthly', 'Monthly')], default='quarterly', max_length=10)),
                ('baseline_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ('baseline_period', models.CharField(blank=True, help_text='"2022/23", "2022/23 Q4" or "March 2023".', max_length=30)),
                ('target_value', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ('figure_label', models.CharField(blank=True, help_text='The words officers use for this number in their updates of the linked actions, e.g. "deliberate grass and rubbish fires".', max_length=100, verbose_name='figure reported in updates')),
                ('order', models.PositiveIntegerField(default=0)),
                ('lock_version', models.PositiveIntegerField(default=1, help_text='Raised by every change, to refuse stale edits.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('actions', models.ManyToManyField(blank=True, related_name='indicators', to='actions.action')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='plans.partnership')),
                ('priorities', models.ManyToManyField(blank=True, related_name='indicators', to='priorities.priority')),
            ],
            options={
                'ordering': ['partnership', 'order', 'name'],
                'constraints': [models.UniqueConstraint(fields=('partnership', 'name'), name='indicator_name_unique_in_partnership', violation_error_message='This partnership already has an indicator of this name.'), models.CheckConstraint(condition=models.Q(('direction__in', ['lower', 'higher'])), name='indicator_direction_valid'), models.CheckConstraint(condition=models.Q(('frequency__in', ['quarterly', 'monthly'])), name='indicator_frequency_valid'), models.CheckConstraint(condition=models.Q(('baseline_value__isnull', True), models.Q(('baseline_period', ''), _negated=True), _connector='OR'), name='indicator_baseline_has_its_period', violation_error_message='A baseline has the period it was measured in.')],
            },
        ),
        migrations.CreateModel(
            name='IndicatorValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.')),
                ('period', models.PositiveSmallIntegerField(help_text='The quarter (1 to 4) or the month of the financial year (1 April to 12 March).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)])),
                ('value', models.DecimalField(decimal_places=2, max_digits=14)),
                ('note', models.TextField(blank=True)),
                ('recorded_at', models.DateTimeField(db_index=True)),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='performance.indicator')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source_update', models.ForeignKey(blank=True, help_text='The status update the number was reported in.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='indicator_values', to='actions.statusupdate')),
            ],
            options={
                'ordering': ['indicator', 'financial_year', 'period', 'recorded_at', 'id'],
                'get_latest_by': ['recorded_at', 'id'],
                'indexes': [models.Index(fields=['indicator', 'financial_year', 'period'], name='performance_indicat_b651e1_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('period__gte', 1), ('period__lte', 12)), name='indicator_value_period_1_to_12')],
            },
        ),
        migrations.CreateModel(
            name='FundedProjectStatus',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('on_track', 'On track'), ('at_risk', 'At risk'), ('off_track', 'Off track'), ('part_delivered', 'Part delivered'), ('delivered', 'Delivered'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('note', models.TextField(blank=True, verbose_name='update')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2023 for 2023/24.')),
                ('quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                ('recorded_at', models.DateTimeField(db_index=True)),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statuses', to='performance.fundedproject')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'funded project statuses',
                'ordering': ['project', 'recorded_at', 'id'],
                'get_latest_by': ['recorded_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'on_track', 'at_risk', 'off_track', 'part_delivered', 'delivered', 'withdrawn'])), name='funded_project_status_valid'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='funded_project_status_quarter_1_to_4')],
            },
        ),
        # Project status history and indicator values are append-only (performance/triggers.py).
        migration_sql(
            lambda vendor: triggers.create_sql(vendor) + triggers.truncate_create_sql(vendor),
            lambda vendor: triggers.truncate_drop_sql(vendor) + triggers.drop_sql(vendor),
        ),
    ]
