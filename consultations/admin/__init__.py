"""The consultations' admin, one module per sub-area: advisors, their groups,
topics and availability (`advisors`); appointments and the settings
(`appointments`); trainings, their meetings, materials and registrations
(`trainings`); the statistics page and the attendee list, as pages, CSV and XLSX
(`exports`, served by the appointment and training admins). Importing the package
registers the models."""

from consultations.admin import advisors, appointments, trainings  # noqa: F401 - registration
