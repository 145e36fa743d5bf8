"""The roles of the design (DESIGN.md) as permission sets; each role is a Django group of the same name.

Permissions say *what* a role may do; the user's scope (a region subtree or one enterprise)
says *where*. Both are applied together in ``core.permissions.scope_to_user``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_LEADER = "township_leader", _("镇领导")
    WORKING_GROUP = "working_group", _("工作组成员")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    PARTY_OFFICER = "party_officer", _("党务干部")
    POLICE_LIAISON = "police_liaison", _("派出所联络员")
    ENTERPRISE_LIAISON = "enterprise_liaison", _("企业联络员")
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("纪检监察员")
    COUNTY_VIEWER = "county_viewer", _("县级查看")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")


REGION_READ = ["regions.view_region", "regions.view_park"]
ENTERPRISE_READ = [
    "enterprises.view_enterprise",
    "enterprises.view_enterpriseindicator",
    "enterprises.view_project",
    "enterprises.view_projectmilestone",
]
ENTERPRISE_EDIT = [
    "enterprises.add_enterprise",
    "enterprises.change_enterprise",
    "enterprises.add_enterpriseindicator",
    "enterprises.change_enterpriseindicator",
    "enterprises.add_project",
    "enterprises.change_project",
    "enterprises.add_projectmilestone",
    "enterprises.change_projectmilestone",
]
PEOPLE_READ = ["people.view_household", "people.view_person"]
PEOPLE_EDIT = ["people.add_household", "people.change_household", "people.add_person", "people.change_person"]
DASHBOARD = ["accounts.view_dashboard"]
IMPORTS = ["imports.view_importbatch", "imports.add_importbatch"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.TOWNSHIP_LEADER: [*DASHBOARD, *REGION_READ, *ENTERPRISE_READ, *PEOPLE_READ, "people.reveal_resident_id"],
    Role.WORKING_GROUP: [
        *DASHBOARD,
        *REGION_READ,
        *ENTERPRISE_READ,
        *ENTERPRISE_EDIT,
        *PEOPLE_READ,
        *PEOPLE_EDIT,
        *IMPORTS,
        "people.reveal_resident_id",
    ],
    Role.VILLAGE_CADRE: [*DASHBOARD, *REGION_READ, *PEOPLE_READ, *PEOPLE_EDIT, *IMPORTS],
    Role.PARTY_OFFICER: [*DASHBOARD, *REGION_READ, *PEOPLE_READ],
    Role.POLICE_LIAISON: [*DASHBOARD, *REGION_READ, *PEOPLE_READ, "people.reveal_resident_id"],
    Role.ENTERPRISE_LIAISON: [
        *ENTERPRISE_READ,
        "enterprises.add_enterpriseindicator",
        "enterprises.change_enterpriseindicator",
        "enterprises.change_projectmilestone",
    ],
    Role.DISCIPLINE_INSPECTOR: [*DASHBOARD, *REGION_READ],
    Role.COUNTY_VIEWER: [*DASHBOARD, *REGION_READ, *ENTERPRISE_READ],
    Role.SYSTEM_ADMIN: [
        *REGION_READ,
        "regions.add_region",
        "regions.change_region",
        "regions.add_park",
        "regions.change_park",
        *ENTERPRISE_READ,
        *ENTERPRISE_EDIT,
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_audit_trail",
        "accounts.view_securityevent",
        *IMPORTS,
        "imports.undo_importbatch",
    ],
}

# Roles whose scope is one enterprise rather than a region subtree.
ENTERPRISE_SCOPED_ROLES = {Role.ENTERPRISE_LIAISON}

# Cases (服务台, issue 5). A role sees the kinds it has a view_<kind> permission for, within its scope;
# integrity reports only with cases.view_integrity_report (discipline), never by the reported cadre.
CASES_VIEW_COMMON = ["cases.view_case", "cases.view_serviceitem"]
CASES_VIEW_PUBLIC_KINDS = ["cases.view_dispute", "cases.view_enterprise_request", "cases.view_security_incident"]
CASES_HANDLE = ["cases.add_case", "cases.handle_case"]
CASES_CATALOGUE_EDIT = ["cases.add_serviceitem", "cases.change_serviceitem"]
PATROL = ["cases.view_patrollog", "cases.add_patrollog"]
for _role, _perms in {
    Role.TOWNSHIP_LEADER: [
        *CASES_VIEW_COMMON,
        *CASES_VIEW_PUBLIC_KINDS,
        "cases.view_patrollog",
        "cases.export_case",
        "cases.instruct_case",  # leaders' instructions (批示) and chases (督办), issue 10
    ],
    Role.WORKING_GROUP: [
        *CASES_VIEW_COMMON,
        *CASES_VIEW_PUBLIC_KINDS,
        *CASES_HANDLE,
        *CASES_CATALOGUE_EDIT,
        *PATROL,
        "cases.export_case",
    ],
    Role.VILLAGE_CADRE: [*CASES_VIEW_COMMON, *CASES_VIEW_PUBLIC_KINDS, *CASES_HANDLE, *PATROL, "cases.export_case"],
    Role.POLICE_LIAISON: [*CASES_VIEW_COMMON, "cases.view_security_incident", *CASES_HANDLE, *PATROL],
    Role.ENTERPRISE_LIAISON: [
        *CASES_VIEW_COMMON,
        "cases.view_enterprise_request",
        "cases.submit_enterprise_request",
        "cases.rate_case",
    ],
    Role.DISCIPLINE_INSPECTOR: [*CASES_VIEW_COMMON, "cases.view_integrity_report", *CASES_HANDLE],
    Role.SYSTEM_ADMIN: ["cases.view_serviceitem", *CASES_CATALOGUE_EDIT],
}.items():
    ROLE_PERMISSIONS[_role].extend(_perms)

# Working-day calendar (issue 5, C2): the holiday notice for years chinese_calendar does not know.
HOLIDAYS_EDIT = ["core.view_holiday", "core.add_holiday", "core.delete_holiday"]
for _role in (Role.WORKING_GROUP, Role.SYSTEM_ADMIN):
    ROLE_PERMISSIONS[_role].extend(HOLIDAYS_EDIT)

# Retention and purge of personal data (issue 16): the periods, the preview (masked) and the runs.
ROLE_PERMISSIONS[Role.SYSTEM_ADMIN].extend(
    ["core.view_retentionrule", "core.change_retentionrule", "core.purge_personal_data", "core.view_purgerun"]
)

# Land acquisition (征地, issue 4). Payments only by the working group; village cadres keep the parcels,
# holders and agreements of their own villages; county viewers see aggregates only (dashboard permission).
LAND_READ = [
    f"land.view_{name}"
    for name in (
        "landclass",
        "parcel",
        "contractright",
        "contractholding",
        "compensationstandard",
        "agreement",
        "agreementitem",
        "supplementaryagreement",
        "agreementattachment",
        "payment",
        "handover",
        "siteimage",
        "proceduremilestone",
    )
]
LAND_VILLAGE_EDIT = [
    "land.add_parcel",
    "land.change_parcel",
    "land.add_contractright",
    "land.change_contractright",
    "land.add_contractholding",
    "land.change_contractholding",
    "land.add_agreement",
    "land.add_agreementattachment",
]
LAND_WORKING_GROUP_EDIT = [
    *LAND_VILLAGE_EDIT,
    "land.add_compensationstandard",
    "land.change_compensationstandard",
    "land.add_supplementaryagreement",
    "land.add_payment",
    "land.add_handover",
    "land.override_handover",
    "land.add_proceduremilestone",
    "land.change_proceduremilestone",
    "land.add_siteimage",
]
# Hand-over before full payment (先行交地) is a two-person act (issue 10): the working group proposes it
# (land.override_handover), a township leader approves or rejects it.
LAND_OVERRIDE_READ = ["land.view_handoveroverride"]
for _role, _perms in {
    Role.TOWNSHIP_LEADER: [*LAND_READ, *LAND_OVERRIDE_READ, "land.decide_handoveroverride"],
    Role.WORKING_GROUP: [*LAND_READ, *LAND_OVERRIDE_READ, *LAND_WORKING_GROUP_EDIT],
    Role.VILLAGE_CADRE: [*LAND_READ, *LAND_OVERRIDE_READ, *LAND_VILLAGE_EDIT],
    Role.SYSTEM_ADMIN: [
        "land.view_landclass",
        "land.add_landclass",
        "land.change_landclass",
        "land.view_siteimage",
        "land.add_siteimage",
    ],
}.items():
    ROLE_PERMISSIONS[_role].extend(_perms)

# Party organisation and education (党建, issue 12). The Party affairs officer keeps all Party data of the
# township; a branch secretary the same, narrowed to their organisation (party.SecretaryScope, see
# User.scope_organization_ids); the township leader reads all; village cadres see the contact member of
# the households of their villages; county viewers only aggregates (the dashboard permission); the
# discipline inspector the "六个一" scores. Exports of the roster are a permission of their own.
PARTY_MODELS = (
    "organization",
    "committeeterm",
    "committeepost",
    "member",
    "membershiptransfer",
    "memberhouseholdlink",
    "developmentstep",
    "developmentplan",
    "thoughtreport",
    "activity",
    "attendance",
    "activitymaterial",
    "languageteam",
    "duespayment",
    "memberevaluation",
)
PARTY_READ = [
    *(f"party.view_{name}" for name in PARTY_MODELS),
    "party.view_organizationchange",
    "party.view_language",
    "party.view_theme",
    "party.view_partyrules",
    "cases.view_servicestandardcheck",
]
PARTY_WRITE = [f"party.{verb}_{name}" for name in PARTY_MODELS for verb in ("add", "change")]
ROLE_PERMISSIONS[Role.BRANCH_SECRETARY] = [*DASHBOARD, *REGION_READ, *ENTERPRISE_READ, *PEOPLE_READ]
for _role, _perms in {
    Role.PARTY_OFFICER: [
        *ENTERPRISE_READ,
        *PARTY_READ,
        *PARTY_WRITE,
        "party.add_theme",
        "party.change_theme",
        "party.change_partyrules",
        "party.export_member",
        *IMPORTS,
    ],
    Role.BRANCH_SECRETARY: [*PARTY_READ, *PARTY_WRITE, "party.export_member", *IMPORTS],
    Role.TOWNSHIP_LEADER: PARTY_READ,
    Role.VILLAGE_CADRE: ["party.view_memberhouseholdlink"],
    Role.DISCIPLINE_INSPECTOR: ["cases.view_servicestandardcheck"],
    Role.SYSTEM_ADMIN: ["party.view_organization", "party.view_secretaryscope", "party.change_secretaryscope"],
}.items():
    ROLE_PERMISSIONS[_role].extend(_perms)

# Reports (issue 14): the office (working group, Party affairs officer) words the work report's
# sentences and keeps its Word template; every role with the dashboard may read and download reports.
REPORTS_EDIT = ["reports.change_reportsentence", "reports.add_reporttemplate"]
for _role in (Role.WORKING_GROUP, Role.PARTY_OFFICER):
    ROLE_PERMISSIONS[_role].extend(REPORTS_EDIT)

# Livelihood and development (抓发展, issue 13). The working group (the township's social-security and
# development office) keeps every livelihood ledger; village cadres keep their villages' surveys, job seekers,
# trainees, businesses and insurance and propose candidates; the township leader reads all; enterprise liaisons
# post their jobs, decide on the candidates proposed to them and see their quotas and pairings; county viewers
# only aggregates (the dashboard permission).
LIVELIHOOD_MODELS = (
    "landlessrule",
    "priceindex",
    "incomesurvey",
    "followup",
    "contacttask",
    "jobseeker",
    "jobposting",
    "hiringquota",
    "placement",
    "skillstraining",
    "trainingattendance",
    "business",
    "insuranceenrolment",
    "villageproject",
    "fundcontribution",
    "projectdocument",
    "pairing",
    "pairingmilestone",
    "villageindicator",
)
LIVELIHOOD_READ = [
    *(f"livelihood.view_{name}" for name in LIVELIHOOD_MODELS),
    "livelihood.view_placementevent",
    "livelihood.view_register",
]
LIVELIHOOD_WRITE = [f"livelihood.{verb}_{name}" for name in LIVELIHOOD_MODELS for verb in ("add", "change")]
LIVELIHOOD_VILLAGE_WRITE = [
    f"livelihood.{verb}_{name}"
    for name in (
        "incomesurvey",
        "followup",
        "contacttask",
        "jobseeker",
        "placement",
        "trainingattendance",
        "business",
        "insuranceenrolment",
    )
    for verb in ("add", "change")
]
for _role, _perms in {
    Role.TOWNSHIP_LEADER: [*LIVELIHOOD_READ, "livelihood.export_register"],
    Role.WORKING_GROUP: [
        *LIVELIHOOD_READ,
        *LIVELIHOOD_WRITE,
        "livelihood.export_register",
        "livelihood.decide_placement",
    ],
    Role.VILLAGE_CADRE: [*LIVELIHOOD_READ, *LIVELIHOOD_VILLAGE_WRITE, "livelihood.export_register"],
    Role.ENTERPRISE_LIAISON: [
        "livelihood.view_jobposting",
        "livelihood.add_jobposting",
        "livelihood.change_jobposting",
        "livelihood.view_placement",
        "livelihood.view_placementevent",
        "livelihood.decide_placement",
        "livelihood.view_hiringquota",
        "livelihood.view_pairing",
        "livelihood.view_pairingmilestone",
    ],
}.items():
    ROLE_PERMISSIONS[_role].extend(_perms)
