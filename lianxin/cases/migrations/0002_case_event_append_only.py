"""Case history is append-only at the database level: UPDATE, DELETE and TRUNCATE of case events are refused."""

from django.db import migrations

from lianxin.core.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [append_only_operation("cases_caseevent", what="case events")]
