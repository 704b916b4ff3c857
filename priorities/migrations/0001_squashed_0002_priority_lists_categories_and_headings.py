"""County categories, the PCC's plan and priorities, priorities, cross-cutting themes,
strategic-assessment choices and headings (workstreams).

Squashes priorities 0001-0002. Left out: 0002's data step, which turned the text lists of
existing priorities and themes into nested items (a new database has none).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('priorities', '0001_initial'),
        ('priorities', '0002_priority_lists_categories_and_headings'),
    ]

    initial = True

    dependencies = [
        ('plans', '0001_squashed_0011_partnership_updates_need_sign_off'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PriorityCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('name', models.CharField(max_length=200, unique=True)),
                ('includes', models.CharField(blank=True, max_length=300)),
            ],
            options={
                'verbose_name_plural': 'priority categories',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='PoliceAndCrimePlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('period', models.CharField(help_text='As written, e.g. "2022-2025".', max_length=20)),
                ('author', models.CharField(blank=True, max_length=200)),
                ('area', models.ForeignKey(help_text='The county partnership whose CSA shows it.', on_delete=django.db.models.deletion.PROTECT, related_name='pcc_plans', to='plans.partnership')),
            ],
            options={
                'ordering': ['-period'],
                'constraints': [models.UniqueConstraint(fields=('title', 'period'), name='pcc_plan_unique')],
            },
        ),
        migrations.CreateModel(
            name='PccPriority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('title', models.CharField(max_length=300)),
                ('pcc_plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='priorities', to='priorities.policeandcrimeplan')),
            ],
            options={
                'verbose_name': 'PCC priority',
                'verbose_name_plural': 'PCC priorities',
                'ordering': ['pcc_plan', 'number'],
                'constraints': [models.UniqueConstraint(fields=('pcc_plan', 'number'), name='pcc_priority_unique')],
            },
        ),
        migrations.CreateModel(
            name='Priority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(help_text='Its number and order within the plan.')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True, help_text='The summary of the issue, as text.', verbose_name='why it is a priority')),
                ('lead', models.CharField(blank=True, help_text='The lead as the plan names it (CSA leads table).', max_length=300)),
                ('lead_agencies', models.ManyToManyField(blank=True, related_name='+', to='plans.agency')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='plans.plan')),
                ('categories', models.ManyToManyField(blank=True, help_text='The county categories it maps to: it counts under each (CSA Appendix A).', related_name='+', to='priorities.prioritycategory', verbose_name='county categories')),
                ('facts', models.JSONField(blank=True, default=list, verbose_name='key facts')),
                ('includes', models.JSONField(blank=True, default=list, help_text='The focus: a nested list.', verbose_name='what it includes')),
                ('outcomes', models.JSONField(blank=True, default=list, verbose_name='outcomes sought')),
            ],
            options={
                'verbose_name_plural': 'priorities',
                'ordering': ['plan', 'number'],
                'abstract': False,
                'default_related_name': 'priorities',
                'constraints': [models.UniqueConstraint(fields=('plan', 'number'), name='priority_number_unique')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPriority',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(help_text='Its number and order within the plan.')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True, help_text='The summary of the issue, as text.', verbose_name='why it is a priority')),
                ('lead', models.CharField(blank=True, help_text='The lead as the plan names it (CSA leads table).', max_length=300)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('facts', models.JSONField(blank=True, default=list, verbose_name='key facts')),
                ('includes', models.JSONField(blank=True, default=list, help_text='The focus: a nested list.', verbose_name='what it includes')),
                ('outcomes', models.JSONField(blank=True, default=list, verbose_name='outcomes sought')),
            ],
            options={
                'verbose_name': 'historical priority',
                'verbose_name_plural': 'historical priorities',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalCrossCuttingTheme',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(help_text='Its number and order within the plan.')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True, help_text='The summary of the issue, as text.', verbose_name='why it is a priority')),
                ('lead', models.CharField(blank=True, help_text='The lead as the plan names it (CSA leads table).', max_length=300)),
                ('note', models.TextField(blank=True, help_text='Shown under the theme in the action plan, e.g. "Actions already contained within other priority sections."')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan')),
                ('facts', models.JSONField(blank=True, default=list, verbose_name='key facts')),
                ('includes', models.JSONField(blank=True, default=list, help_text='The focus: a nested list.', verbose_name='what it includes')),
                ('outcomes', models.JSONField(blank=True, default=list, verbose_name='outcomes sought')),
            ],
            options={
                'verbose_name': 'historical cross-cutting theme',
                'verbose_name_plural': 'historical cross-cutting themes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='CrossCuttingTheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(help_text='Its number and order within the plan.')),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True, help_text='The summary of the issue, as text.', verbose_name='why it is a priority')),
                ('lead', models.CharField(blank=True, help_text='The lead as the plan names it (CSA leads table).', max_length=300)),
                ('note', models.TextField(blank=True, help_text='Shown under the theme in the action plan, e.g. "Actions already contained within other priority sections."')),
                ('lead_agencies', models.ManyToManyField(blank=True, related_name='+', to='plans.agency')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='plans.plan')),
                ('categories', models.ManyToManyField(blank=True, help_text='The county categories it maps to: it counts under each (CSA Appendix A).', related_name='+', to='priorities.prioritycategory', verbose_name='county categories')),
                ('facts', models.JSONField(blank=True, default=list, verbose_name='key facts')),
                ('includes', models.JSONField(blank=True, default=list, help_text='The focus: a nested list.', verbose_name='what it includes')),
                ('outcomes', models.JSONField(blank=True, default=list, verbose_name='outcomes sought')),
            ],
            options={
                'verbose_name': 'cross-cutting theme',
                'ordering': ['plan', 'number'],
                'abstract': False,
                'default_related_name': 'themes',
                'constraints': [models.UniqueConstraint(fields=('plan', 'number'), name='theme_number_unique')],
            },
        ),
        migrations.CreateModel(
            name='StrategicAssessmentChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(help_text='2024 for 2024/25.')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='priorities.prioritycategory')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessment_choices', to='plans.partnership')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('partnership', 'financial_year', 'category'), name='assessment_choice_unique')],
            },
        ),
        migrations.CreateModel(
            name='Workstream',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('title', models.CharField(max_length=200)),
                ('priority', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='workstreams', to='priorities.priority')),
                ('theme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='workstreams', to='priorities.crosscuttingtheme')),
            ],
            options={
                'ordering': ['order', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('priority__isnull', False), ('theme__isnull', True)), models.Q(('priority__isnull', True), ('theme__isnull', False)), _connector='OR'), name='workstream_under_priority_or_theme', violation_error_message='A workstream sits under exactly one priority or theme.'), models.UniqueConstraint(condition=models.Q(('priority__isnull', False)), fields=('priority', 'title'), name='workstream_title_unique_in_priority', violation_error_message='The priority already has a heading with this title.'), models.UniqueConstraint(condition=models.Q(('theme__isnull', False)), fields=('theme', 'title'), name='workstream_title_unique_in_theme', violation_error_message='The theme already has a heading with this title.')],
                'verbose_name': 'heading',
            },
        ),
    ]
