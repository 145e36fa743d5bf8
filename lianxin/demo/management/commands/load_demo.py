from django.conf import settings
from django.core.management.base import BaseCommand

from lianxin.accounts.roles import Role
from lianxin.demo.township import load_demo


class Command(BaseCommand):
    help = "Build the demo township from the seed report's figures (idempotent: a second run adds nothing)."

    def handle(self, *args, **options) -> None:
        report = load_demo()
        created = ", ".join(f"{k} {v}" for k, v in report.created.items() if v) or "nothing new"
        self.stdout.write(f"Demo township ready ({created}).")
        self.stdout.write("")
        self.stdout.write("Demo accounts / 演示账号 (one-time passwords: change at first login / 首次登录须修改密码):")
        required = {str(Role(role).label) for role in settings.LIANXIN_2FA_REQUIRED_ROLES if role in Role.values}
        for username, role, password in report.accounts:
            shown = password if password else "(exists, password unchanged / 已存在,密码未重置)"
            two_factor = "  + 2FA: enrol an authenticator app / 绑定验证器App" if str(role) in required else ""
            self.stdout.write(f"  {username:<12} {role:<12} {shown}{two_factor}")
        if required:
            self.stdout.write(
                "Accounts marked 2FA scan a QR code with an authenticator app (e.g. FreeOTP, Google or Microsoft "
                "Authenticator) after the password change / 标注2FA的账号修改密码后须用手机验证器App扫码绑定。"
            )
