"""A PDF preview of a .docx, where LibreOffice is installed (``soffice --headless --convert-to pdf``).

Each conversion runs in a directory of its own with a throwaway LibreOffice profile, so two
conversions at once do not share (and lock) one profile. The fonts the document names (仿宋_GB2312,
方正小标宋简体 …) are not shipped: LibreOffice substitutes the CJK fonts the server has
(Debian's fonts-noto-cjk), so the preview shows the layout, not the final typefaces.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from lianxin.core.errors import DomainError

TIMEOUT_SECONDS = 180


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(content: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PDF LibreOffice makes of a .docx; DomainError when it is not installed or fails."""
    soffice = soffice_path()
    if soffice is None:
        raise DomainError(_("服务器未安装LibreOffice,无法生成PDF预览;请下载Word文档"), code="unavailable")
    with tempfile.TemporaryDirectory(prefix="lianxin-pdf-") as workdir:
        work = Path(workdir)
        source = work / "report.docx"
        source.write_bytes(content)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False, cwd=work)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise DomainError(_("生成PDF超时,请稍后再试或下载Word文档"), code="timeout") from exc
        target = work / "report.pdf"
        if not target.exists():
            raise DomainError(_("LibreOffice未能生成PDF,请下载Word文档"), code="failed")
        return target.read_bytes()
