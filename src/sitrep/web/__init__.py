"""The local web app (``sitrep serve``): see :func:`sitrep.web.app.create_app`."""
