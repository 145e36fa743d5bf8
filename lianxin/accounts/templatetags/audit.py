from auditlog.models import LogEntry
from django import template

from lianxin.accounts.audit_display import action_label, entry_rows

register = template.Library()


@register.filter
def audit_action(action: int) -> str:
    return action_label(action)


@register.filter
def audit_changes(entry: LogEntry) -> list[dict]:
    """The entry's changes as rows (label, old, new); pages of entries use ``describe_entries`` instead."""
    return getattr(entry, "rows", None) or entry_rows(entry)
