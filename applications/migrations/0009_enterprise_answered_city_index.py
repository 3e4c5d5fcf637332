"""The profiles by answered city, in order: the 免申即享 dispatch lists them without reading their answers."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0008_enterprise_answered_city'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(condition=models.Q(('answered_city__isnull', False)), fields=['answered_city', 'id'], name='enterprise_answered_city'),
        ),
    ]
