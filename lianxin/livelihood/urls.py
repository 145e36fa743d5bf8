from django.urls import path

from . import views
from .views import development, employment, income, register

app_name = "livelihood"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", register.register, name="register"),
    path("register/export/", register.register_export, name="register-export"),
    path("households/<int:pk>/", register.household, name="household"),
    path("households/<int:pk>/surveys/", register.survey_add, name="survey-add"),
    path("households/<int:pk>/follow-up/", income.follow_up, name="follow-up"),
    path("households/<int:pk>/contact-task/", income.contact_task_create, name="contact-task-create"),
    path("contact-tasks/<int:pk>/", income.contact_task, name="contact-task"),
    path("persons/<int:pk>/job-seeker/", register.seeker_add, name="seeker-add"),
    path("rules/", register.rules, name="rules"),
    path("income/alerts/", income.alerts, name="alerts"),
    path("income/figures/", income.figures, name="income-figures"),
    path("postings/", employment.posting_list, name="posting-list"),
    path("postings/new/", employment.posting_create, name="posting-create"),
    path("postings/<int:pk>/", employment.posting_detail, name="posting-detail"),
    path("postings/<int:pk>/propose/", employment.propose, name="propose"),
    path("placements/", employment.placement_list, name="placement-list"),
    path("placements/<int:pk>/accept/", employment.accept, name="accept"),
    path("placements/<int:pk>/decline/", employment.decline, name="decline"),
    path("quotas/", employment.quotas, name="quotas"),
    path("employed/", employment.employed, name="employed"),
    path("trainings/", development.training_list, name="training-list"),
    path("trainings/new/", development.training_create, name="training-create"),
    path("trainings/<int:pk>/", development.training_detail, name="training-detail"),
    path("businesses/", development.business_list, name="business-list"),
    path("businesses/new/", development.business_create, name="business-create"),
    path("insurance/", development.insurance_list, name="insurance-list"),
    path("insurance/not-enrolled/", development.not_enrolled, name="not-enrolled"),
    path("insurance/new/", development.insurance_create, name="insurance-create"),
    path("projects/", development.project_list, name="project-list"),
    path("projects/new/", development.project_create, name="project-create"),
    path("projects/<int:pk>/", development.project_detail, name="project-detail"),
    path("projects/documents/<int:pk>/", development.project_document, name="project-document"),
    path("pairings/", development.pairing_list, name="pairing-list"),
    path("pairings/new/", development.pairing_create, name="pairing-create"),
    path("indicators/", development.indicators, name="indicators"),
]
