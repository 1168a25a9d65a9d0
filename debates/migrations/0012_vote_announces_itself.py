from django.db import migrations

from debates.migrations._postgresql import postgresql_only
from debates.migrations._vote_functions import CAST_VOTE_0011, CAST_VOTE_0012

# The function's text, and why this version: debates/migrations/_vote_functions.py.
# 0012 adds arguments, so the 5-argument function goes first.
DROP = "DROP FUNCTION IF EXISTS crux_cast_vote(bigint, boolean, bigint, text, text, jsonb, text, bigint)"
DROP_PREVIOUS = "DROP FUNCTION IF EXISTS crux_cast_vote(bigint, boolean, bigint, text, text)"


class Migration(migrations.Migration):
    dependencies = [("debates", "0011_cast_vote_by_vote_id")]

    operations = [postgresql_only(DROP_PREVIOUS, CAST_VOTE_0011), postgresql_only(CAST_VOTE_0012, DROP)]
