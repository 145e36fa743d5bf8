"""Who may take an uploaded ledger file home, and in what form (原始文件与标注文件的下载权限).

An uploaded ledger is personal data like the records it fills, so its file follows the reveal rule of
the pages: the full file only for a user holding the ledger's reveal permissions (a resident ID in full
on the person page needs people.reveal_resident_id; a bank account in full needs land.add_payment),
a masked copy for anyone else who may read the ledger's records, and nothing for a user who may not
(the system administrator holds no people permission: no person ledger's file, masked or not). Which
batches a user sees at all is the import history's scope (``selectors.batch_get``).
"""

from enum import StrEnum

from .ledger import ledger_get
from .models import ImportBatch


class FileAccess(StrEnum):
    NONE = ""
    MASKED = "masked"
    FULL = "full"


def file_access(user, batch: ImportBatch) -> FileAccess:
    spec = ledger_get(batch.ledger)
    if not user.has_perm(spec.file_permission):
        return FileAccess.NONE
    if all(user.has_perm(perm) for perm in spec.reveal_permissions):
        return FileAccess.FULL
    return FileAccess.MASKED


def can_read_rows(user, batch: ImportBatch) -> bool:
    """The rejected rows (values as typed) are the ledger's data too: shown only to who may read its records."""
    return user.has_perm(ledger_get(batch.ledger).file_permission)
