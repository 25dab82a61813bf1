"""The web kit: what every face's views share, so no package keeps its own copy.

- paging: `page_arg()` (the capped ?page=), `Pages` (the pager of a counted list),
  `paginate(query)` (Flask-SQLAlchemy's pager on a capped page).
- `filter_values(form)`: a GET filter form's values; a bad value is flashed and ignored.
- refusal: `REFUSED` (422), `refuse(error, form, fields)`, `status_of(form)`,
  `form_page(template, **context)`.
- submissions: `replay(key)` and `remember(key, url)` for forms that post no journal entry
  (a second tab or a double click is answered with the first result), and
  `perform(form, call, success_url, message)`, the one way a view runs a service: it
  validates, replays a known key, calls the service, commits or rolls back, and redirects or
  leaves the form to be shown again with 422.
- fields (coop_app.web.fields): the shared form pieces.

A domain NotFound raised anywhere in a view is a 404 page (create_app's error handler), so
views do not catch it.
"""
from coop_app.web.paging import MAX_PAGE, Pages, page_arg, paginate  # noqa: F401
from coop_app.web.refusal import REFUSED, filter_values, form_page, refuse, status_of  # noqa: F401
from coop_app.web.submissions import perform, remember, replay  # noqa: F401
