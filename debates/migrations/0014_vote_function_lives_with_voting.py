from django.db import migrations

from debates.migrations._postgresql import postgresql_only
from debates.migrations._vote_functions import CAST_VOTE_0013

# The vote function belongs to debates/voting.py now: its text is debates/cast_vote.sql, which
# each connection installs in its temporary schema (pg_temp) before its first vote. The stored
# functions made by 0010-0013 go, both signatures; going back restores 0013's.
DROP = """
DROP FUNCTION IF EXISTS crux_cast_vote(bigint, boolean, bigint, text, text),
    crux_cast_vote(bigint, boolean, bigint, text, text, jsonb, text, bigint)
"""


class Migration(migrations.Migration):
    dependencies = [("debates", "0013_held_vote_by_its_unique_index")]

    operations = [postgresql_only(DROP, CAST_VOTE_0013)]
