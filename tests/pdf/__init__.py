"""Tests of the document renderer (pdf/): text, page size, fonts, QR and the fetch wall."""
