import json

from django.core.management.base import BaseCommand

from ...catalogue import evaluate
from ._scope import add_scope_arguments, scope_from_options


class Command(BaseCommand):
    help = "Print every figure of the catalogue (name, label, unit, value) for a period and a region."

    def add_arguments(self, parser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        scope = scope_from_options(options)
        values = evaluate(None, scope)
        if options["format"] == "json":
            data = {
                name: {
                    "label": str(v.figure.label),
                    "unit": str(v.figure.unit),
                    "value": None if v.value is None else (v.value if isinstance(v.value, int) else str(v.value)),
                    "text": v.text,
                    "line": v.figure.line,
                }
                for name, v in values.items()
            }
            self.stdout.write(json.dumps({"period": scope.period.code, "figures": data}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"# {scope.scope_name} {scope.period.label} ({scope.period.code})")
        width = max(len(name) for name in values) if values else 10
        for name, v in values.items():
            value = "—" if v.value is None else str(v.value)
            self.stdout.write(f"{name:<{width}}  {value:>16}  {v.figure.unit!s:<3}  {v.figure.label}")
