"""The security-event chain is keyed (HMAC-SHA256 under SECURITY_EVENT_KEY, lianxin.accounts.chain).

Rows written before keep their plain SHA-256: they cannot be rewritten (append-only). Instead, if there
are any, one keyed event ("事件链启用密钥") is appended that records how many there were and the hash of
the last one; from then on every row is keyed, and the verifier accepts plain hashes only before the
first keyed row. Rewriting the old rows would change that hash, which the keyed event seals.
"""

from django.db import migrations, models
from django.utils import timezone

from lianxin.accounts.chain import event_payload, seal


def seal_legacy_rows(apps, schema_editor):
    SecurityEvent = apps.get_model("accounts", "SecurityEvent")
    SecurityChainHead = apps.get_model("accounts", "SecurityChainHead")
    last = SecurityEvent.objects.order_by("-sequence").first()
    if last is None:
        return
    count = SecurityEvent.objects.count()
    fields = {
        "sequence": last.sequence + 1,
        "occurred_at": timezone.now(),
        "kind": "chain_keyed",
        "username": "",
        "ip_address": None,
        "detail": {"legacy_events": count, "legacy_last_sequence": last.sequence, "legacy_head": last.hash},
        "previous_hash": last.hash,
    }
    SecurityEvent.objects.create(**fields, hash=seal(event_payload(**fields)))
    head, _created = SecurityChainHead.objects.get_or_create(pk=1)
    head.last_sequence, head.last_hash = fields["sequence"], seal(event_payload(**fields))
    head.save()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token_expiry")]

    operations = [
        migrations.AlterField(
            model_name="securityevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login", "登录成功"),
                    ("login_failed", "登录失败"),
                    ("lockout", "账号锁定"),
                    ("logout", "退出登录"),
                    ("password_changed", "修改密码"),
                    ("permission_changed", "权限变更"),
                    ("id_reveal", "查看完整身份证号"),
                    ("export", "导出"),
                    ("import", "导入"),
                    ("token_created", "创建API令牌"),
                    ("chain_keyed", "事件链启用密钥"),
                ],
                db_index=True,
                max_length=30,
                verbose_name="类型",
            ),
        ),
        migrations.RunPython(seal_legacy_rows, migrations.RunPython.noop),
    ]
