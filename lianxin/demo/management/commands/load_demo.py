from django.core.management.base import BaseCommand

from lianxin.demo.township import load_demo


class Command(BaseCommand):
    help = "Build the demo township from the seed report's figures (idempotent: a second run adds nothing)."

    def handle(self, *args, **options) -> None:
        report = load_demo()
        created = ", ".join(f"{k} {v}" for k, v in report.created.items() if v) or "nothing new"
        self.stdout.write(f"Demo township ready ({created}).")
        self.stdout.write("")
        self.stdout.write("Demo accounts / 演示账号 (one-time passwords: change at first login / 首次登录须修改密码):")
        for username, role, password in report.accounts:
            shown = password if password else "(exists, password unchanged / 已存在,密码未重置)"
            self.stdout.write(f"  {username:<12} {role:<12} {shown}")
