from django.urls import path

from . import views, views_report

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/dashboard/", views.dashboard_page, name="dashboard"),
    path("reports/dashboard/panels/", views.dashboard_panels, name="dashboard-panels"),
    path("reports/figures/", views.catalogue_page, name="catalogue"),
    path("reports/work-report/", views_report.work_report, name="work-report"),
    path("reports/work-report.docx", views_report.work_report_docx, name="work-report-docx"),
    path("reports/work-report.pdf", views_report.work_report_pdf, name="work-report-pdf"),
    path("reports/sentences/", views_report.sentence_list, name="sentence-list"),
    path("reports/sentences/new/", views_report.sentence_add, name="sentence-add"),
    path("reports/sentences/<str:key>/", views_report.sentence_edit, name="sentence-edit"),
    path("reports/sentences/<str:key>/reset/", views_report.sentence_reset, name="sentence-reset"),
    path("reports/template/", views_report.template_page, name="template"),
    path("reports/template/<int:version>.docx", views_report.template_download, name="template-download"),
    path("reports/template/revert/", views_report.template_revert, name="template-revert"),
    path("reports/returns/", views_report.return_list, name="return-list"),
    path("reports/returns/<str:key>.xlsx", views_report.return_download, name="return-download"),
]
