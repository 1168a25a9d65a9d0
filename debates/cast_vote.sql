-- A vote on PostgreSQL, in one round trip (debates/voting.py installs this per connection, as a
-- temporary function, and calls pg_temp.crux_cast_vote).
--
-- Lock the claim, check the rules, add, switch or withdraw the voter's Vote row and move the
-- tallies, all under the claim's row lock, which every vote on the claim takes first. PL/pgSQL
-- because each of its statements reads afresh: the held vote read after waiting on the lock is
-- the one the previous voter left (one SQL statement would still read from before the wait).
-- The held vote is asked for as its partial unique index says (motion_id IS NULL for a vote on
-- an argument), so it is one index probe.
--
-- p_choice "withdraw" only ever takes the vote held away ("nothing-held" when there is none).
-- The choice held already, sent again, withdraws it when p_toggle is true (the page's button);
-- when false (the API's POST) it changes nothing ("kept").
-- Returns what the vote came to ("agree", "disagree", "withdrawn", "kept", or why it was refused:
-- "missing", "own-claim", "motion-locked", "motion-hidden", "argument-<visibility>") with the
-- claim as locked and its new tallies. Given an event (p_event, p_channel, p_lock_key: when the
-- vote is its own transaction) it announces the vote through crux_publish_event (migration
-- 0008), which numbers and NOTIFYs it under the lock that orders events until this commits;
-- given the voter's own event too (p_member_event, of no motion: her channel alone, so the
-- public stream never names her), it tells her other pages in the same statement.
CREATE OR REPLACE FUNCTION pg_temp.crux_cast_vote(
    p_voter bigint, p_on_argument boolean, p_claim bigint, p_slug text, p_choice text,
    p_toggle boolean, p_event jsonb, p_member_event jsonb, p_channel text, p_lock_key bigint
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
    -- The refusals restate debates.policy.vote_refusal, in its order, for a one-round-trip vote.
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
    IF held IS NULL AND p_choice = 'withdraw' THEN
        outcome := 'nothing-held';
        RETURN NEXT;
        RETURN;
    ELSIF held = p_choice AND NOT p_toggle THEN
        outcome := 'kept';
        RETURN NEXT;
        RETURN;
    ELSIF held IS NULL THEN
        INSERT INTO debates_vote (user_id, motion_id, argument_id, choice, created_at, updated_at)
        VALUES (p_voter, CASE WHEN p_on_argument THEN NULL ELSE claim_id END,
                CASE WHEN p_on_argument THEN claim_id END, p_choice, now(), now());
        outcome := p_choice;
    ELSIF held = p_choice OR p_choice = 'withdraw' THEN
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
    IF p_member_event IS NOT NULL THEN
        PERFORM crux_publish_event(
            NULL, jsonb_set(p_member_event, '{ids,claim_id}', to_jsonb(claim_id)),
            p_channel, p_lock_key
        );
    END IF;
    RETURN NEXT;
END
$$;
