"""SQLite: REPLACE may not remove case events either (a BEFORE INSERT trigger refuses an existing key)."""

from django.db import migrations

from lianxin.core.append_only import insert_guard_operation


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_parcels")]

    operations = [insert_guard_operation("cases_caseevent", what="case events")]
