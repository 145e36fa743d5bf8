"""Every change to livelihood data goes through here: keyword-only functions, permission and scope first, each rule
a DomainError naming its field, audited (django-auditlog), in one transaction."""

from .common import require
from .development import (
    attendance_record,
    business_register,
    indicator_set,
    insurance_enrol,
    milestone_done,
    pairing_create,
    project_document_add,
    training_create,
    village_project_create,
    village_project_status,
)
from .employment import (
    job_seeker_register,
    placement_accept,
    placement_decline,
    placement_end,
    placement_propose,
    posting_close,
    posting_create,
    quota_set,
)
from .income import (
    contact_task_create,
    contact_task_done,
    follow_up_register,
    price_index_set,
    rule_save,
    survey_record,
)
from .register import job_seeker_copies_refresh, landless_status_refresh

__all__ = [
    "attendance_record",
    "business_register",
    "contact_task_create",
    "contact_task_done",
    "follow_up_register",
    "indicator_set",
    "insurance_enrol",
    "job_seeker_copies_refresh",
    "job_seeker_register",
    "landless_status_refresh",
    "milestone_done",
    "pairing_create",
    "project_document_add",
    "placement_accept",
    "placement_decline",
    "placement_end",
    "placement_propose",
    "posting_close",
    "posting_create",
    "price_index_set",
    "quota_set",
    "require",
    "rule_save",
    "survey_record",
    "training_create",
    "village_project_create",
    "village_project_status",
]
