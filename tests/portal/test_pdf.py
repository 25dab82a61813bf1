"""The PDF renderer's lean user-agent stylesheet: no footnote or note pseudo-elements on
every element, list markers still on list items."""
from coop_app.pdf import _Document, lean_user_agent_stylesheet


def _texts(box):
    yield getattr(box, "text", None)
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def test_documents_with_the_lean_stylesheet_still_number_lists():
    from weasyprint.html import UA
    assert "::footnote-call" in UA and "\n::marker" in UA
    lean = _Document(string="<ol><li>satu</li><li>dua</li></ol><p>tiga</p>")
    assert lean._ua_stylesheets() == [lean_user_agent_stylesheet()]
    texts = [t for t in _texts(lean.render().pages[0]._page_box) if t]
    assert texts == ["1. ", "satu", "2. ", "dua", "tiga"]
    assert lean.write_pdf().startswith(b"%PDF")

