"""The languages of the township (汉语、苗语、彝语 …) and the append-only guard of the Party ledgers that do not forget:
organisation history, membership transfers and dues payments."""

from django.db import migrations

from lianxin.core.append_only import append_only_operation

LANGUAGES = [
    ("zh", "汉语", 1),
    ("hmn", "苗语", 2),
    ("ii", "彝语", 3),
    ("za", "壮语", 4),
    ("bo", "布依语", 5),
    ("yao", "瑶语", 6),
    ("th", "傣语", 7),
]


def seed(apps, schema_editor):
    Language = apps.get_model("party", "Language")
    for code, name, order in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def unseed(apps, schema_editor):
    apps.get_model("party", "Language").objects.filter(code__in=[code for code, _n, _o in LANGUAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]

    operations = [
        migrations.RunPython(seed, unseed),
        append_only_operation("party_organizationchange", what="organisation changes"),
        append_only_operation("party_membershiptransfer", what="membership transfers"),
        append_only_operation("party_duespayment", what="dues payments"),
    ]
