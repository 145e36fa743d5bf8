"""SQLite: the party's append-only tables refuse REPLACE too (``core.append_only.insert_guard_operation``,
as payments, case history and security events do)."""

from django.db import migrations

from lianxin.core.append_only import insert_guard_operation


class Migration(migrations.Migration):
    dependencies = [("party", "0002_languages_and_append_only")]

    operations = [
        insert_guard_operation("party_organizationchange", what="organisation changes"),
        insert_guard_operation("party_membershiptransfer", what="membership transfers"),
        insert_guard_operation("party_duespayment", what="dues payments"),
    ]
