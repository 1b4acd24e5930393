"""The review console: staff check, in a browser, only the fields the OCR is unsure of.

Server-rendered (FastAPI + Jinja2) with a little vanilla JavaScript for keyboard flow; every
asset is served from this package because the console runs inside a closed network segment.
Public entry points: :func:`daiko.console.app.create_app`, :func:`daiko.console.server.serve_console`
and :func:`daiko.console.users.add_user_command`.
"""
