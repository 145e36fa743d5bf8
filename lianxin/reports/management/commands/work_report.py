from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...document import render_docx
from ...report import work_report_build
from ...services import report_template_current
from ._scope import add_scope_arguments, scope_from_options


class Command(BaseCommand):
    help = "Write the work report (.docx, GB/T 9704 layout) for a period and a region."

    def add_arguments(self, parser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--out", required=True, help="the .docx file to write")
        parser.add_argument("--pdf", action="store_true", help="also write a PDF next to it (needs LibreOffice)")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError("--out must name a .docx file")
        scope = scope_from_options(options)
        report = work_report_build(scope)
        template = report_template_current()
        content = render_docx(report, bytes(template.content) if template else None)
        out.write_bytes(content)
        self.stdout.write(f"{out}: {report.title} ({len(report.appendix)} figures, {len(content):,} bytes)")
        if options["pdf"]:
            from lianxin.core.errors import DomainError

            from ...pdf import docx_to_pdf

            try:
                pdf = docx_to_pdf(content)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            out.with_suffix(".pdf").write_bytes(pdf)
            self.stdout.write(f"{out.with_suffix('.pdf')}")
