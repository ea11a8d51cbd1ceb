from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("biblioteka/", views.book_list, name="book_list"),
    # The catalogue as a file; listed before the books' addresses.
    path("biblioteka/biblioteczka.xlsx", views.catalogue_xlsx, name="catalogue_xlsx"),
    path("biblioteka/biblioteczka.csv", views.catalogue_csv, name="catalogue_csv"),
    path("biblioteka/<slug:slug>/", views.book_detail, name="book_detail"),
    path("biblioteka/<slug:slug>/zarezerwuj/", views.book_reserve, name="book_reserve"),
    # The reader's own pages
    path("konto/biblioteka/", views.my_library, name="my_library"),
    path(
        "konto/biblioteka/wypozyczenia/<int:pk>/przedluz/",
        views.loan_renew,
        name="loan_renew",
    ),
    path(
        "konto/biblioteka/rezerwacje/<int:pk>/anuluj/",
        views.hold_cancel,
        name="hold_cancel",
    ),
]
