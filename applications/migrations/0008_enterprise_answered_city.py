"""The city a profile was answered for, as a column the database keeps from the answers: the match groups profiles
by it without decompressing their answers."""

import django.db.models.fields.json
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0007_match_result_per_document'),
    ]

    operations = [
        migrations.AddField(
            model_name='enterprise',
            name='answered_city',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.fields.json.KeyTextTransform('city', 'answers'), output_field=models.TextField(), verbose_name='问卷所答城市'),
        ),
    ]
