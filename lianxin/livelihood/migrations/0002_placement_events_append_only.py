"""The placement history does not forget: UPDATE, DELETE (and SQLite's REPLACE) refused by database triggers."""

from django.db import migrations

from lianxin.core.append_only import append_only_operation, insert_guard_operation


class Migration(migrations.Migration):
    dependencies = [("livelihood", "0001_initial")]

    operations = [
        append_only_operation("livelihood_placementevent", what="placement events"),
        insert_guard_operation("livelihood_placementevent", what="placement events"),
    ]
