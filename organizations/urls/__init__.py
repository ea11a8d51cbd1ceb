from django.urls import path

from organizations.views import member, news, news_member, public

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
    # News
    path("aktualnosci/", news.news_list, name="news_list"),
    path("aktualnosci/<slug:slug>/", news.news_detail, name="news_detail"),
    path(
        "aktualnosci/<slug:slug>/zalaczniki/<int:pk>/<str:filename>",
        news.news_attachment,
        name="news_attachment",
    ),
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
    path(
        "konto/organizacje/<slug:slug>/wiadomosci/",
        member.organization_messages,
        name="organization_messages",
    ),
    path(
        "konto/organizacje/<slug:slug>/aktualnosci/",
        news_member.organization_news,
        name="organization_news",
    ),
    path(
        "konto/organizacje/<slug:slug>/aktualnosci/nowa/",
        news_member.news_create,
        name="news_create",
    ),
    path("konto/aktualnosci/<int:pk>/edytuj/", news_member.news_edit, name="news_edit"),
    path("konto/aktualnosci/<int:pk>/zglos/", news_member.news_submit, name="news_submit"),
    path("konto/aktualnosci/<int:pk>/usun/", news_member.news_delete, name="news_delete"),
]
