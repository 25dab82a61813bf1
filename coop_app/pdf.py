"""PDF documents: a Jinja template under templates/pdf/ rendered by WeasyPrint."""
from functools import cache

from flask import current_app, make_response, render_template
from weasyprint import CSS, HTML
from weasyprint.html import UA, UA_COUNTER_STYLE


@cache
def lean_user_agent_stylesheet():
    """WeasyPrint's HTML5 user-agent sheet without its footnote and note rules, and with the
    ::marker rule for list items only: as written, those rules give every element six
    pseudo-elements whose styles are computed, a third of laying out a 500-line passbook.
    Our documents use no footnotes, and only list items have markers."""
    lines = [f"li{line}" if line.startswith("::marker") else line for line in UA.splitlines()
             if not line.lstrip().startswith(("::footnote", "::note"))]
    return CSS(string="\n".join(lines), counter_style=UA_COUNTER_STYLE)


class _Document(HTML):
    def _ua_stylesheets(self, forms=False):
        return [lean_user_agent_stylesheet(), *super()._ua_stylesheets(forms)[1:]]


def render_pdf(template, **context):
    """The PDF bytes of templates/pdf/<template>; fonts and CSS come from the app only."""
    html = render_template(f"pdf/{template}", **context)
    return _Document(string=html, base_url=current_app.root_path).write_pdf()


def pdf_response(template, filename, **context):
    response = make_response(render_pdf(template, **context))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
