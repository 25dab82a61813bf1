"""The Indonesian receipt of a remittance (bukti remitansi), for staff and the member."""
from coop_app.cooperatives.models import Cooperative
from coop_app.extensions import db
from coop_app.formatting import indonesian
from coop_app.loans import words
from coop_app.pdf import pdf_response
from coop_app.remittances.recording import split_parts
from coop_app.terbilang import money_in_words

CHANNELS_ID = {"bank": "Bank", "pos": "Kantor Pos", "remittance_company": "Perusahaan Pengiriman Uang"}


def receipt_context(remittance):
    return dict(remittance=remittance, parts=split_parts(remittance),
                words=money_in_words(remittance.amount_idr),
                channel=CHANNELS_ID.get(remittance.channel, remittance.channel),
                noun=words.noun_id(db.session.get(Cooperative, remittance.cooperative_id).is_sharia),
                **indonesian())


def receipt_pdf(remittance):
    return pdf_response("remittance_receipt.html", f"bukti-remitansi-{remittance.id}.pdf",
                        **receipt_context(remittance))
