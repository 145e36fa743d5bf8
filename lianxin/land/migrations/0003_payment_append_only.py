"""Payments (兑付) are append-only at the database level: UPDATE, DELETE and TRUNCATE are refused by
triggers. A correction is a reversal entry."""

from django.db import migrations

from lianxin.core.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("land", "0002_seed_land_classes")]

    operations = [append_only_operation("land_payment", what="payments")]
