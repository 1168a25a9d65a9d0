from django.db import migrations

from debates.migrations._postgresql import postgresql_only
from debates.migrations._vote_functions import CAST_VOTE_0010

# The function's text, and why this version: debates/migrations/_vote_functions.py.
DROP = "DROP FUNCTION IF EXISTS crux_cast_vote(bigint, boolean, bigint, text, text)"


class Migration(migrations.Migration):
    dependencies = [("debates", "0009_argument_activity_index")]

    operations = [postgresql_only(CAST_VOTE_0010, DROP)]
