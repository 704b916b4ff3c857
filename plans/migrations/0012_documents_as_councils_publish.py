"""What publishing needs to make documents a council would publish (issue 12): a
chapter may start a new page; a version keeps the editor's check it was confirmed with;
a partnership's logo for its covers; images in sections."""

import django.db.models.deletion
from django.db import migrations, models

from csp_tracker.db import migration_sql
from plans import triggers


def _on_sqlite(sql):
    return lambda vendor: sql(vendor) if vendor == "sqlite" else []


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_squashed_0011_partnership_updates_need_sign_off"),
    ]

    operations = [
        # SQLite adds a column by rebuilding the table, which the triggers that name it
        # refuse: they are taken off and put back around it (PostgreSQL needs neither).
        migration_sql(_on_sqlite(triggers.drop_sql), _on_sqlite(triggers.create_sql)),
        migrations.AddField(
            model_name='historicalplansection',
            name='starts_new_page',
            field=models.BooleanField(default=False, help_text='In the PDF, the chapter starts on a new page; otherwise it follows on from the previous one.', verbose_name='starts on a new page'),
        ),
        migrations.AddField(
            model_name='plansection',
            name='starts_new_page',
            field=models.BooleanField(default=False, help_text='In the PDF, the chapter starts on a new page; otherwise it follows on from the previous one.', verbose_name='starts on a new page'),
        ),
    
migrations.AddField(
            model_name="planversion",
            name="findings_confirmed",
            field=models.CharField(
                blank=True,
                help_text="The editor's check's findings the publisher confirmed (their key): 'Try again' goes without asking again only while the check finds the same.",
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name='SectionImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField(default=0)),
                ('file', models.FileField(max_length=255, upload_to='section-images/%Y/')),
                ('content_type', models.CharField(max_length=40)),
                ('width', models.PositiveIntegerField(default=0, help_text='In pixels; 0 if the SVG has none.')),
                ('height', models.PositiveIntegerField(default=0)),
                ('alt', models.CharField(blank=True, help_text='What the image shows, for a reader who cannot see it.', max_length=250, verbose_name='alternative text')),
                ('is_decorative', models.BooleanField(default=False, help_text='It adds nothing the text does not say: readers skip it.', verbose_name='decorative')),
                ('caption', models.CharField(blank=True, max_length=300)),
            ],
            options={
                'ordering': ['section', 'order', 'id'],
            },
        ),
        migrations.AddField(
            model_name='historicalpartnership',
            name='logo',
            field=models.TextField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='historicalpartnership',
            name='logo_alt',
            field=models.CharField(blank=True, help_text='What the logo says, e.g. "Swale Community Safety Partnership".', max_length=250, verbose_name="logo's alternative text"),
        ),
        migrations.AddField(
            model_name='historicalpartnership',
            name='logo_is_decorative',
            field=models.BooleanField(default=False, help_text="It repeats the partnership's name printed beside it: readers skip it.", verbose_name='the logo is decorative'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='logo',
            field=models.FileField(blank=True, max_length=255, upload_to='logos/%Y/'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='logo_alt',
            field=models.CharField(blank=True, help_text='What the logo says, e.g. "Swale Community Safety Partnership".', max_length=250, verbose_name="logo's alternative text"),
        ),
        migrations.AddField(
            model_name='partnership',
            name='logo_is_decorative',
            field=models.BooleanField(default=False, help_text="It repeats the partnership's name printed beside it: readers skip it.", verbose_name='the logo is decorative'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.CheckConstraint(condition=models.Q(('logo', ''), ('logo_is_decorative', True), models.Q(('logo_alt', ''), _negated=True), _connector='OR'), name='partnership_logo_alt_or_decorative', violation_error_message='A logo has alternative text or is decorative.'),
        ),
        migrations.AddField(
            model_name='sectionimage',
            name='section',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='images', to='plans.plansection'),
        ),
        migrations.AddConstraint(
            model_name='sectionimage',
            constraint=models.CheckConstraint(condition=models.Q(('is_decorative', True), models.Q(('alt', ''), _negated=True), _connector='OR'), name='section_image_alt_or_decorative', violation_error_message='An image has alternative text or is decorative.'),
        ),
    
        migration_sql(_on_sqlite(triggers.create_sql), _on_sqlite(triggers.drop_sql)),
    ]
