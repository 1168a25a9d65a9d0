"""The stored vote functions as migrations 0010-0013 made them, each kept once: every one of
those migrations creates its own and restores the one before when reversed, and 0014, which
drops them (the function now lives with debates/voting.py), restores 0013's.

Django's migration loader skips modules whose names start with an underscore.
"""


# A vote in one statement (debates.voting): lock the claim, check the rules, add, switch or
# withdraw the voter's Vote row and move the tallies, all under the claim's row lock, which every
# vote on the claim takes first. Returns what it came to ("agree", "disagree", "withdrawn", or
# why it was refused: "missing", "own-claim", "motion-locked", "motion-hidden",
# "argument-<visibility>") with the claim as locked and its new tallies. Each statement here
# reads afresh, so the choice read after the lock wait is the one the previous voter left.
CAST_VOTE_0010 = """
CREATE OR REPLACE FUNCTION crux_cast_vote(
    p_voter bigint, p_on_argument boolean, p_claim bigint, p_slug text, p_choice text
) RETURNS TABLE (
    outcome text, claim_id bigint, parent_id bigint, author_id bigint, visibility text,
    agree_count integer, disagree_count integer, motion_id bigint, slug text,
    motion_state text, motion_visibility text
) LANGUAGE plpgsql AS $$
DECLARE
    held text;
    agree_step integer := 0;
    disagree_step integer := 0;
BEGIN
    IF p_on_argument THEN
        SELECT a.id, a.parent_id, a.author_id, a.visibility, a.agree_count, a.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_argument a JOIN debates_motion m ON m.id = a.motion_id
         WHERE a.id = p_claim AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE OF a;
    ELSE
        SELECT m.id, NULL, m.author_id, 'visible', m.agree_count, m.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_motion m
         WHERE (p_claim IS NULL OR m.id = p_claim) AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE;
    END IF;
    IF claim_id IS NULL THEN
        outcome := 'missing';
    ELSIF author_id = p_voter THEN
        outcome := 'own-claim';
    ELSIF motion_state = 'locked' THEN
        outcome := 'motion-locked';
    ELSIF motion_visibility = 'hidden' THEN
        outcome := 'motion-hidden';
    ELSIF visibility <> 'visible' THEN
        outcome := 'argument-' || visibility;
    END IF;
    IF outcome IS NOT NULL THEN
        RETURN NEXT;
        RETURN;
    END IF;

    IF p_on_argument THEN
        SELECT v.choice INTO held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.argument_id = claim_id;
    ELSE
        SELECT v.choice INTO held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.motion_id = claim_id;
    END IF;
    IF held IS NULL THEN
        INSERT INTO debates_vote (user_id, motion_id, argument_id, choice, created_at, updated_at)
        VALUES (p_voter, CASE WHEN p_on_argument THEN NULL ELSE claim_id END,
                CASE WHEN p_on_argument THEN claim_id END, p_choice, now(), now());
        outcome := p_choice;
    ELSIF held = p_choice THEN
        DELETE FROM debates_vote v WHERE v.user_id = p_voter
           AND v.argument_id IS NOT DISTINCT FROM (CASE WHEN p_on_argument THEN claim_id END)
           AND v.motion_id IS NOT DISTINCT FROM (CASE WHEN p_on_argument THEN NULL ELSE claim_id END);
        outcome := 'withdrawn';
    ELSE
        UPDATE debates_vote v SET choice = p_choice, updated_at = now() WHERE v.user_id = p_voter
           AND v.argument_id IS NOT DISTINCT FROM (CASE WHEN p_on_argument THEN claim_id END)
           AND v.motion_id IS NOT DISTINCT FROM (CASE WHEN p_on_argument THEN NULL ELSE claim_id END);
        outcome := p_choice;
    END IF;
    agree_step := (CASE WHEN outcome = 'agree' THEN 1 ELSE 0 END)
                - (CASE WHEN held = 'agree' THEN 1 ELSE 0 END);
    disagree_step := (CASE WHEN outcome = 'disagree' THEN 1 ELSE 0 END)
                   - (CASE WHEN held = 'disagree' THEN 1 ELSE 0 END);
    agree_count := agree_count + agree_step;
    disagree_count := disagree_count + disagree_step;
    IF p_on_argument THEN
        UPDATE debates_argument a SET agree_count = a.agree_count + agree_step,
               disagree_count = a.disagree_count + disagree_step WHERE a.id = claim_id;
    ELSE
        UPDATE debates_motion m SET agree_count = m.agree_count + agree_step,
               disagree_count = m.disagree_count + disagree_step WHERE m.id = claim_id;
    END IF;
    RETURN NEXT;
END
$$;
"""


# crux_cast_vote of 0010 withdrew and switched a vote with "IS NOT DISTINCT FROM" on the claim
# columns, which no index serves: each such vote scanned all of the voter's Vote rows (0.5 ms,
# ~350 buffers per call on the synthetic debate, found with pg_stat_statements). This version
# reads the held vote's id with its choice and changes that row by primary key. The rest is 0010's.
CAST_VOTE_0011 = """
CREATE OR REPLACE FUNCTION crux_cast_vote(
    p_voter bigint, p_on_argument boolean, p_claim bigint, p_slug text, p_choice text
) RETURNS TABLE (
    outcome text, claim_id bigint, parent_id bigint, author_id bigint, visibility text,
    agree_count integer, disagree_count integer, motion_id bigint, slug text,
    motion_state text, motion_visibility text
) LANGUAGE plpgsql AS $$
DECLARE
    held_id bigint;
    held text;
    agree_step integer := 0;
    disagree_step integer := 0;
BEGIN
    IF p_on_argument THEN
        SELECT a.id, a.parent_id, a.author_id, a.visibility, a.agree_count, a.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_argument a JOIN debates_motion m ON m.id = a.motion_id
         WHERE a.id = p_claim AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE OF a;
    ELSE
        SELECT m.id, NULL, m.author_id, 'visible', m.agree_count, m.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_motion m
         WHERE (p_claim IS NULL OR m.id = p_claim) AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE;
    END IF;
    IF claim_id IS NULL THEN
        outcome := 'missing';
    ELSIF author_id = p_voter THEN
        outcome := 'own-claim';
    ELSIF motion_state = 'locked' THEN
        outcome := 'motion-locked';
    ELSIF motion_visibility = 'hidden' THEN
        outcome := 'motion-hidden';
    ELSIF visibility <> 'visible' THEN
        outcome := 'argument-' || visibility;
    END IF;
    IF outcome IS NOT NULL THEN
        RETURN NEXT;
        RETURN;
    END IF;

    IF p_on_argument THEN
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.argument_id = claim_id;
    ELSE
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.motion_id = claim_id;
    END IF;
    IF held IS NULL THEN
        INSERT INTO debates_vote (user_id, motion_id, argument_id, choice, created_at, updated_at)
        VALUES (p_voter, CASE WHEN p_on_argument THEN NULL ELSE claim_id END,
                CASE WHEN p_on_argument THEN claim_id END, p_choice, now(), now());
        outcome := p_choice;
    ELSIF held = p_choice THEN
        DELETE FROM debates_vote v WHERE v.id = held_id;
        outcome := 'withdrawn';
    ELSE
        UPDATE debates_vote v SET choice = p_choice, updated_at = now() WHERE v.id = held_id;
        outcome := p_choice;
    END IF;
    agree_step := (CASE WHEN outcome = 'agree' THEN 1 ELSE 0 END)
                - (CASE WHEN held = 'agree' THEN 1 ELSE 0 END);
    disagree_step := (CASE WHEN outcome = 'disagree' THEN 1 ELSE 0 END)
                   - (CASE WHEN held = 'disagree' THEN 1 ELSE 0 END);
    agree_count := agree_count + agree_step;
    disagree_count := disagree_count + disagree_step;
    IF p_on_argument THEN
        UPDATE debates_argument a SET agree_count = a.agree_count + agree_step,
               disagree_count = a.disagree_count + disagree_step WHERE a.id = claim_id;
    ELSE
        UPDATE debates_motion m SET agree_count = m.agree_count + agree_step,
               disagree_count = m.disagree_count + disagree_step WHERE m.id = claim_id;
    END IF;
    RETURN NEXT;
END
$$;
"""


# A vote announces itself in its own statement: given an event (debates.voting passes one when
# the vote is its own transaction and the PostgreSQL broker is live), crux_cast_vote ends by
# calling crux_publish_event (0008), which stamps the motion and numbers and NOTIFYs the event
# under the advisory lock until this statement commits. Before, the announcement was a second
# statement after the commit: a round trip, a commit and its WAL flush more per vote, the
# busiest write (votes/s on the bench: +15%, bench/README.md). NOTIFY is sent only on commit, so
# a vote rolled back still announces nothing. The payload is the caller's, with the motion's id
# and the claim's id filled in, as only the locking query knows them for a vote by slug.
# The rest is 0011's.
CAST_VOTE_0012 = """
CREATE OR REPLACE FUNCTION crux_cast_vote(
    p_voter bigint, p_on_argument boolean, p_claim bigint, p_slug text, p_choice text,
    p_event jsonb, p_channel text, p_lock_key bigint
) RETURNS TABLE (
    outcome text, claim_id bigint, parent_id bigint, author_id bigint, visibility text,
    agree_count integer, disagree_count integer, motion_id bigint, slug text,
    motion_state text, motion_visibility text
) LANGUAGE plpgsql AS $$
DECLARE
    held_id bigint;
    held text;
    agree_step integer := 0;
    disagree_step integer := 0;
BEGIN
    IF p_on_argument THEN
        SELECT a.id, a.parent_id, a.author_id, a.visibility, a.agree_count, a.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_argument a JOIN debates_motion m ON m.id = a.motion_id
         WHERE a.id = p_claim AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE OF a;
    ELSE
        SELECT m.id, NULL, m.author_id, 'visible', m.agree_count, m.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_motion m
         WHERE (p_claim IS NULL OR m.id = p_claim) AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE;
    END IF;
    IF claim_id IS NULL THEN
        outcome := 'missing';
    ELSIF author_id = p_voter THEN
        outcome := 'own-claim';
    ELSIF motion_state = 'locked' THEN
        outcome := 'motion-locked';
    ELSIF motion_visibility = 'hidden' THEN
        outcome := 'motion-hidden';
    ELSIF visibility <> 'visible' THEN
        outcome := 'argument-' || visibility;
    END IF;
    IF outcome IS NOT NULL THEN
        RETURN NEXT;
        RETURN;
    END IF;

    IF p_on_argument THEN
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.argument_id = claim_id;
    ELSE
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.motion_id = claim_id;
    END IF;
    IF held IS NULL THEN
        INSERT INTO debates_vote (user_id, motion_id, argument_id, choice, created_at, updated_at)
        VALUES (p_voter, CASE WHEN p_on_argument THEN NULL ELSE claim_id END,
                CASE WHEN p_on_argument THEN claim_id END, p_choice, now(), now());
        outcome := p_choice;
    ELSIF held = p_choice THEN
        DELETE FROM debates_vote v WHERE v.id = held_id;
        outcome := 'withdrawn';
    ELSE
        UPDATE debates_vote v SET choice = p_choice, updated_at = now() WHERE v.id = held_id;
        outcome := p_choice;
    END IF;
    agree_step := (CASE WHEN outcome = 'agree' THEN 1 ELSE 0 END)
                - (CASE WHEN held = 'agree' THEN 1 ELSE 0 END);
    disagree_step := (CASE WHEN outcome = 'disagree' THEN 1 ELSE 0 END)
                   - (CASE WHEN held = 'disagree' THEN 1 ELSE 0 END);
    agree_count := agree_count + agree_step;
    disagree_count := disagree_count + disagree_step;
    IF p_on_argument THEN
        UPDATE debates_argument a SET agree_count = a.agree_count + agree_step,
               disagree_count = a.disagree_count + disagree_step WHERE a.id = claim_id;
    ELSE
        UPDATE debates_motion m SET agree_count = m.agree_count + agree_step,
               disagree_count = m.disagree_count + disagree_step WHERE m.id = claim_id;
    END IF;
    IF p_event IS NOT NULL THEN
        PERFORM crux_publish_event(
            motion_id,
            jsonb_set(jsonb_set(p_event, '{motion_id}', to_jsonb(motion_id)),
                      '{ids,claim_id}', to_jsonb(claim_id)),
            p_channel, p_lock_key
        );
    END IF;
    RETURN NEXT;
END
$$;
"""


# The vote function looks up the voter's held vote through the unique index that guards it.
# 0012 asked for it by (user, claim) alone, and the planner cannot tell that an argument's vote
# has no motion, so it did not use the partial unique index (user, argument) WHERE motion IS
# NULL: it combined the argument and user indexes instead, reading every vote of the voter
# (~0.07 ms for a voter with 680 votes, in auto_explain on the synthetic debate). Saying
# "motion IS NULL" (and "argument IS NULL" for a vote on a motion), which the rows' own check
# constraint guarantees, makes it one probe of that index. The rest is 0012's.
CAST_VOTE_0013 = """
CREATE OR REPLACE FUNCTION crux_cast_vote(
    p_voter bigint, p_on_argument boolean, p_claim bigint, p_slug text, p_choice text,
    p_event jsonb, p_channel text, p_lock_key bigint
) RETURNS TABLE (
    outcome text, claim_id bigint, parent_id bigint, author_id bigint, visibility text,
    agree_count integer, disagree_count integer, motion_id bigint, slug text,
    motion_state text, motion_visibility text
) LANGUAGE plpgsql AS $$
DECLARE
    held_id bigint;
    held text;
    agree_step integer := 0;
    disagree_step integer := 0;
BEGIN
    IF p_on_argument THEN
        SELECT a.id, a.parent_id, a.author_id, a.visibility, a.agree_count, a.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_argument a JOIN debates_motion m ON m.id = a.motion_id
         WHERE a.id = p_claim AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE OF a;
    ELSE
        SELECT m.id, NULL, m.author_id, 'visible', m.agree_count, m.disagree_count,
               m.id, m.slug, m.state, m.visibility
          INTO claim_id, parent_id, author_id, visibility, agree_count, disagree_count,
               motion_id, slug, motion_state, motion_visibility
          FROM debates_motion m
         WHERE (p_claim IS NULL OR m.id = p_claim) AND (p_slug IS NULL OR m.slug = p_slug)
           FOR NO KEY UPDATE;
    END IF;
    IF claim_id IS NULL THEN
        outcome := 'missing';
    ELSIF author_id = p_voter THEN
        outcome := 'own-claim';
    ELSIF motion_state = 'locked' THEN
        outcome := 'motion-locked';
    ELSIF motion_visibility = 'hidden' THEN
        outcome := 'motion-hidden';
    ELSIF visibility <> 'visible' THEN
        outcome := 'argument-' || visibility;
    END IF;
    IF outcome IS NOT NULL THEN
        RETURN NEXT;
        RETURN;
    END IF;

    IF p_on_argument THEN
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.argument_id = claim_id AND v.motion_id IS NULL;
    ELSE
        SELECT v.id, v.choice INTO held_id, held FROM debates_vote v
         WHERE v.user_id = p_voter AND v.motion_id = claim_id AND v.argument_id IS NULL;
    END IF;
    IF held IS NULL THEN
        INSERT INTO debates_vote (user_id, motion_id, argument_id, choice, created_at, updated_at)
        VALUES (p_voter, CASE WHEN p_on_argument THEN NULL ELSE claim_id END,
                CASE WHEN p_on_argument THEN claim_id END, p_choice, now(), now());
        outcome := p_choice;
    ELSIF held = p_choice THEN
        DELETE FROM debates_vote v WHERE v.id = held_id;
        outcome := 'withdrawn';
    ELSE
        UPDATE debates_vote v SET choice = p_choice, updated_at = now() WHERE v.id = held_id;
        outcome := p_choice;
    END IF;
    agree_step := (CASE WHEN outcome = 'agree' THEN 1 ELSE 0 END)
                - (CASE WHEN held = 'agree' THEN 1 ELSE 0 END);
    disagree_step := (CASE WHEN outcome = 'disagree' THEN 1 ELSE 0 END)
                   - (CASE WHEN held = 'disagree' THEN 1 ELSE 0 END);
    agree_count := agree_count + agree_step;
    disagree_count := disagree_count + disagree_step;
    IF p_on_argument THEN
        UPDATE debates_argument a SET agree_count = a.agree_count + agree_step,
               disagree_count = a.disagree_count + disagree_step WHERE a.id = claim_id;
    ELSE
        UPDATE debates_motion m SET agree_count = m.agree_count + agree_step,
               disagree_count = m.disagree_count + disagree_step WHERE m.id = claim_id;
    END IF;
    IF p_event IS NOT NULL THEN
        PERFORM crux_publish_event(
            motion_id,
            jsonb_set(jsonb_set(p_event, '{motion_id}', to_jsonb(motion_id)),
                      '{ids,claim_id}', to_jsonb(claim_id)),
            p_channel, p_lock_key
        );
    END IF;
    RETURN NEXT;
END
$$;
"""
