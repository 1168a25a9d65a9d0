from django.db import migrations

from debates.migrations._postgresql import postgresql_only
from debates.migrations._vote_functions import CAST_VOTE_0012, CAST_VOTE_0013

# The function's text, and why this version: debates/migrations/_vote_functions.py.

class Migration(migrations.Migration):
    dependencies = [("debates", "0012_vote_announces_itself")]

    operations = [postgresql_only(CAST_VOTE_0013, CAST_VOTE_0012)]
