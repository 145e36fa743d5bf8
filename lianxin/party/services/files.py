"""Documents attached to Party records (入党申请书、志愿书、签到表 …): JPEG, PNG or PDF judged by content, size limited,
stored under a random name; the name the user gave is kept for display."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from lianxin.cases.services import DEFAULT_ATTACHMENT_MAX_BYTES, sniff_content_type
from lianxin.core.errors import DomainError


def checked_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload, or a DomainError naming the file and the rule."""
    limit = getattr(settings, "LIANXIN_CASE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)
    if upload.size > limit:
        raise DomainError(
            _("文件“%(name)s”超过%(mb)sMB的上限") % {"name": upload.name, "mb": limit // 2**20}, field="document"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        content_type = sniff_content_type(head, upload.name)
    except DomainError as exc:
        raise DomainError(exc.message, field="document") from exc
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    return content_type, extension


def store_upload(record, upload: UploadedFile) -> None:
    """Save ``upload`` to a step's ``document`` under a random name (the record is saved by the caller)."""
    _content_type, extension = checked_upload(upload)
    record.document_name = upload.name[:200]
    record.document.save(f"{secrets.token_hex(8)}{extension}", upload, save=False)
