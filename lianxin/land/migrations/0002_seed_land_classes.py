"""Seed the usual GB/T 21010 land-use classes (地类); administrators may add more."""

from django.db import migrations

CLASSES = [
    ("0101", "水田", "耕地", True),
    ("0102", "水浇地", "耕地", True),
    ("0103", "旱地", "耕地", True),
    ("0201", "果园", "园地", False),
    ("0204", "其他园地", "园地", False),
    ("0301", "乔木林地", "林地", False),
    ("0305", "灌木林地", "林地", False),
    ("0307", "其他林地", "林地", False),
    ("0401", "天然牧草地", "草地", False),
    ("0404", "其他草地", "草地", False),
    ("0702", "农村宅基地", "住宅用地", False),
    ("1006", "农村道路", "交通运输用地", False),
    ("1104", "坑塘水面", "水域及水利设施用地", False),
    ("1202", "设施农用地", "其他土地", False),
]


def seed(apps, schema_editor):
    LandClass = apps.get_model("land", "LandClass")
    for order, (code, name, group, cultivated) in enumerate(CLASSES, start=1):
        LandClass.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "is_cultivated": cultivated, "sort_order": order * 10},
        )


def unseed(apps, schema_editor):
    apps.get_model("land", "LandClass").objects.filter(code__in=[c[0] for c in CLASSES], parcels=None).delete()


class Migration(migrations.Migration):
    dependencies = [("land", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
