"""PDF documents: a Jinja template under templates/pdf/ rendered by WeasyPrint."""
from flask import current_app, make_response, render_template
from weasyprint import HTML


def render_pdf(template, **context):
    """The PDF bytes of templates/pdf/<template>; fonts and CSS come from the app only."""
    html = render_template(f"pdf/{template}", **context)
    return HTML(string=html, base_url=current_app.root_path).write_pdf()


def pdf_response(template, filename, **context):
    response = make_response(render_pdf(template, **context))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
