"""SQLite: REPLACE may not remove payments either (a BEFORE INSERT trigger refuses an existing key)."""

from django.db import migrations

from lianxin.core.append_only import insert_guard_operation


class Migration(migrations.Migration):
    dependencies = [("land", "0003_payment_append_only")]

    operations = [insert_guard_operation("land_payment", what="payments")]
