"""SQLite: REPLACE may not remove security events either (a BEFORE INSERT trigger refuses an existing key)."""

from django.db import migrations

from lianxin.core.append_only import insert_guard_operation


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_event_append_only")]

    operations = [insert_guard_operation("accounts_securityevent", what="security events")]
