"""The Indonesian receipt of a remittance (bukti remitansi), for staff and the member."""
from coop_app.formatting import indonesian
from coop_app.pdf import pdf_response
from coop_app.remittances.recording import split_parts

CHANNELS_ID = {"bank": "Bank", "pos": "Kantor Pos", "remittance_company": "Perusahaan Pengiriman Uang"}


def receipt_context(remittance):
    return dict(remittance=remittance, parts=split_parts(remittance),
                channel=CHANNELS_ID.get(remittance.channel, remittance.channel), **indonesian())


def receipt_pdf(remittance):
    return pdf_response("remittance_receipt.html", f"bukti-remitansi-{remittance.id}.pdf",
                        **receipt_context(remittance))
