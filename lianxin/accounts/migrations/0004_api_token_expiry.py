"""API tokens expire: tokens issued before this change get ``created_at`` + LIANXIN_API_TOKEN_DAYS (90 by
default), so a token older than that stops working now."""

from datetime import timedelta

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = timedelta(days=getattr(settings, "LIANXIN_API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.all().only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_security_event_no_replace")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="到期时间"),
            preserve_default=False,
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
    ]
