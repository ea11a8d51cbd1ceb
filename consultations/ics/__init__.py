"""The consultations' calendar files, one module per sub-area: appointments, trainings."""
