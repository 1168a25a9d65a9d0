from django.db import migrations

from debates.migrations._postgresql import postgresql_only

# Publishing a committed change (debates.live.PostgresBroker.record_and_publish), in one round
# trip: stamp the motion as changed (Motion.activity, which keys cached fragments), then number
# and NOTIFY the event under one lock, so ids are taken in commit order and "after id N" means
# the same to every listener. The stamp comes first: a publisher waiting on the motion's row
# (held by a transaction that is posting to it) must not be holding the lock every other
# publisher waits on.
CREATE = """
CREATE OR REPLACE FUNCTION crux_publish_event(
    motion bigint, payload jsonb, channel text, lock_key bigint
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    event_id bigint;
BEGIN
    UPDATE debates_motion SET activity = activity + 1 WHERE id = motion;
    PERFORM pg_advisory_xact_lock(lock_key);
    event_id := nextval('crux_live_event_id');
    PERFORM pg_notify(channel, jsonb_set(payload, '{id}', to_jsonb(event_id))::text);
    RETURN event_id;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS crux_publish_event(bigint, jsonb, text, bigint)"


class Migration(migrations.Migration):
    dependencies = [("debates", "0007_live_event_sequence")]

    operations = [postgresql_only(CREATE, DROP)]
