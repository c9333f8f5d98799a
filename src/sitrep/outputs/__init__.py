"""What people read: exports (:mod:`.export`), the situation brief (:mod:`.brief`).

:mod:`.records` holds the read-side views over a store that the exports, the brief and
the web app share; :mod:`.prose` the sentences that state an event.
"""
