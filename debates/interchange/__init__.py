"""Debates in and out of other tools' formats: Argdown (export and import), Kialo (import), and
Crux's own JSON export read back on the import page.

Imports convert the text into the dict debates.transfer.import_debate reads (Crux JSON), so one
path creates every imported debate with the same checks.
"""
