from django.urls import path

from organizations.views import member, public

app_name = "organizations"

urlpatterns = [
    # Public directory
    path("organizacje/", public.organization_list, name="organization_list"),
    path("organizacje/eksport.csv", public.organization_export_csv, name="export_csv"),
    path("organizacje/eksport.json", public.organization_export_json, name="export_json"),
    path("organizacje/<slug:slug>/", public.organization_detail, name="organization_detail"),
    path(
        "organizacje/<slug:slug>/kontakt/",
        public.organization_contact,
        name="organization_contact",
    ),
    path("organizacje/<slug:slug>/dolacz/", member.membership_request, name="membership_request"),
    # Members' pages
    path("konto/organizacje/", member.my_organizations, name="my_organizations"),
    path("konto/organizacje/nowa/", member.organization_create, name="organization_create"),
    path(
        "konto/organizacje/<slug:slug>/edytuj/",
        member.organization_edit,
        name="organization_edit",
    ),
    path(
        "konto/organizacje/<slug:slug>/zglos/",
        member.organization_submit,
        name="organization_submit",
    ),
    path(
        "konto/organizacje/<slug:slug>/czlonkowie/",
        member.membership_list,
        name="membership_list",
    ),
    path(
        "konto/organizacje/<slug:slug>/czlonkowie/<int:pk>/",
        member.membership_update,
        name="membership_update",
    ),
]
