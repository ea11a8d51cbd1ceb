"""The library's admin, one module per sub-area: the catalogue, copies, loans,
holds and settings (`catalogue`); the circulation desk and the overdue loans
(`desk`); the catalogue import (`importing`), both served by the book admin's URLs.
Importing the package registers the models."""

from library.admin import catalogue  # noqa: F401 - registration
