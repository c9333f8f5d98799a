"""extract: events in the ACLED taxonomy and numeric claims, with their evidence.

:mod:`.numbers` (number phrases) and :mod:`.attribution` (who says so, how hedged) are shared by
:mod:`.claims` and :mod:`.events`.
"""
