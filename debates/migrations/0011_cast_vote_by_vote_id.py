from django.db import migrations

from debates.migrations._postgresql import postgresql_only
from debates.migrations._vote_functions import CAST_VOTE_0010, CAST_VOTE_0011

# The function's text, and why this version: debates/migrations/_vote_functions.py.

class Migration(migrations.Migration):
    dependencies = [("debates", "0010_cast_vote_function")]

    operations = [postgresql_only(CAST_VOTE_0011, CAST_VOTE_0010)]
