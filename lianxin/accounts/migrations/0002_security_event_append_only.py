"""Security events are append-only at the database level: UPDATE, DELETE and TRUNCATE are refused by triggers."""

from django.db import migrations

from lianxin.core.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [append_only_operation("accounts_securityevent", what="security events")]
