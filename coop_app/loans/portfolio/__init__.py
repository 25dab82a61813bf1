"""The portfolio audit: figures in SQL (figures.py), the loans behind each figure (loans.py),
its filters (forms.py), CSV and XLSX exports (exports.py) and the pages for a cooperative
and across an auditor's region (views.py)."""
