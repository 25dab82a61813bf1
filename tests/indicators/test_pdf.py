"""The "Laporan Indikator Desmigratif Pilar 4", rendered and its text read back with pypdf:
the title, the region, a figure, the charts' figures, the definitions and the data coverage,
in Indonesian whatever the reader's language (the world of test_pages)."""
import io
import re

from pypdf import PdfReader

from tests.indicators.test_pages import OCTOBER, indicators_world  # noqa: F401  (the fixture)
from tests.support.web import login_as


def pdf_text(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_the_programme_report_of_a_region(client, indicators_world):
    login_as(client, "auditor.indramayu")
    response = client.get("/indicators/report.pdf", query_string=OCTOBER)
    assert 'filename="indikator-program-2026-10.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response)
    assert "Laporan Indikator Desmigratif Pilar 4" in text
    assert "Wilayah: Kabupaten Indramayu, Jawa Barat" in text
    assert "Periode: 1 Oktober 2026 s.d. 31 Oktober 2026 (2026-10)" in text
    headings = text.lower()  # the PDF's h1 are written in capitals
    assert "ringkasan terhadap keadaan awal" in headings
    assert "definisi indikator" in headings and "cakupan data" in headings
    assert "tabel per wilayah" in headings and "Juntinyuat" in text
    # a figure: KSP-A's three active members, and its suppressed turnover
    assert re.search(r"Active members 3 3 ", text) or re.search(r"Anggota aktif 3 3 ", text)
    assert "kurang dari 5 rumah tangga" in text
    assert "Members who had joined by t and not left by t." in text or \
        "Anggota yang sudah bergabung" in text


def test_the_report_narrowed_to_a_kabupaten(client, indicators_world):
    login_as(client, "auditor.jabar")
    text = pdf_text(client.get("/indicators/report.pdf", query_string=dict(region="32.09", **OCTOBER)))
    assert "Wilayah: Kabupaten Cirebon, Jawa Barat" in text
    assert "Weru Kidul" in text and "Juntinyuat" not in text


def test_a_cooperative_report(client, indicators_world):
    login_as(client, "manager")
    text = pdf_text(client.get("/c/KSP-A/indicators/report.pdf", query_string=OCTOBER))
    assert "Wilayah: KSP Sumber Rejeki, Desa Juntinyuat" in text
    assert "Rp1.500.000" in text  # its own enterprise turnover, not suppressed on its own report
