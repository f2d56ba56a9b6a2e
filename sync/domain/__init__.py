"""Pure domain rules of Debrief: the debrief record, validation, taxonomy, contest scoring.

Nothing here does I/O or imports Qt, HTTP or a database: the app and the central store
both call these functions, so the same rules hold on a rep's laptop and on the server.
"""
