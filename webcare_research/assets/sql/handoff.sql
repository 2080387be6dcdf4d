-- handoff.sql — hand-off to private channels: how many of an organisation's replies send the customer to a DM, the
-- phone, e-mail, a chat or a web form, and how many first replies do; the DuckDB twin of
-- measures.conversation.handoff_table. Ingest finds each reply's redirects once (the mention table's `redirects`:
-- bit 1 dm, 2 phone, 4 email, 8 chat, 16 form; core.signals.redirect_bits), so here they are counted. A reply without
-- them (a table not written by ingest) has its text matched instead, with core.signals' patterns (one home) passed in
-- as parameters: each kind's RE2 expression, and, for the kinds that have them, the masks blanked out before it runs
-- ("zonder te bellen", a ^AB signature is no "pb"): RE2 has no lookbehind, so a negation is a span masked first, mask
-- after mask in their order, only in the texts one of them matches (signals._masked; the order matters: see
-- measures.sql.handoff_params).
--
-- Input  $reply_files     the mention partitions holding the organisations' replies (ingest.store), or mentions.parquet;
--                         with a `redirects` column (ingest writes it)
--        $threads_file    the thread partitions (or threads.parquet): the first replies
--        $dm, $phone, $email, $chat, $form   each kind's expression (signals.redirect_pattern)
--        $dm_any, $phone_any, $form_any      one expression matching where any of the kind's masks does
--        $dm_mask, $phone_mask, $form_mask   the kind's masks in order, padded to 8 with one that never matches
-- Output one row per organisation and channel, with
--        org_replies                      the organisation's messages (author_role organisation)
--        handoff_replies                  of those, the ones that redirect to any private channel
--        handoff_share                    handoff_replies / org_replies
--        handoff_<kind>_share             share of the replies redirecting to that kind (a reply can name several)
--        first_replies                    answered messages addressed to the organisation (the thread table)
--        first_reply_handoff_share        share of those whose first reply moves the conversation private
--        first_reply_handoff_<kind>_share share whose first reply names that private channel first
-- Rows with no organisation or no channel do not count (as pandas' groupby drops null keys).
CREATE TEMP MACRO masked(t, m) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(t, m[1], ' ¦ ', 'g'), m[2], ' ¦ ', 'g'), m[3], ' ¦ ', 'g'), m[4], ' ¦ ', 'g'), m[5], ' ¦ ', 'g'),
    m[6], ' ¦ ', 'g'), m[7], ' ¦ ', 'g'), m[8], ' ¦ ', 'g');
WITH replies AS (
    SELECT organisation, channel, text, redirects
    FROM read_parquet($reply_files, union_by_name = true)
    WHERE author_role = 'organisation' AND organisation IS NOT NULL AND channel IS NOT NULL
), flags AS (
    SELECT organisation, channel,
           CASE WHEN redirects IS NOT NULL THEN (redirects & 1) <> 0
                ELSE coalesce(regexp_matches(CASE WHEN regexp_matches(text, $dm_any) THEN masked(text, $dm_mask)
                                                  ELSE text END, $dm), false) END AS dm,
           CASE WHEN redirects IS NOT NULL THEN (redirects & 2) <> 0
                ELSE coalesce(regexp_matches(CASE WHEN regexp_matches(text, $phone_any) THEN masked(text, $phone_mask)
                                                  ELSE text END, $phone), false) END AS phone,
           CASE WHEN redirects IS NOT NULL THEN (redirects & 4) <> 0
                ELSE coalesce(regexp_matches(text, $email), false) END AS email,
           CASE WHEN redirects IS NOT NULL THEN (redirects & 8) <> 0
                ELSE coalesce(regexp_matches(text, $chat), false) END AS chat,
           CASE WHEN redirects IS NOT NULL THEN (redirects & 16) <> 0
                ELSE coalesce(regexp_matches(CASE WHEN regexp_matches(text, $form_any) THEN masked(text, $form_mask)
                                                  ELSE text END, $form), false) END AS form
    FROM replies
), per_reply AS (
    SELECT organisation, channel,
           count(*)                                                   AS org_replies,
           count(*) FILTER (WHERE dm OR phone OR email OR chat OR form) AS handoff_replies,
           count(*) FILTER (WHERE dm)::DOUBLE / count(*)              AS handoff_dm_share,
           count(*) FILTER (WHERE phone)::DOUBLE / count(*)           AS handoff_phone_share,
           count(*) FILTER (WHERE email)::DOUBLE / count(*)           AS handoff_email_share,
           count(*) FILTER (WHERE chat)::DOUBLE / count(*)            AS handoff_chat_share,
           count(*) FILTER (WHERE form)::DOUBLE / count(*)            AS handoff_form_share
    FROM flags
    GROUP BY organisation, channel
), first_reply AS (
    SELECT organisation, channel,
           count(*)                                                             AS first_replies,
           count(*) FILTER (WHERE moves_private)::DOUBLE / count(*)             AS first_reply_handoff_share,
           count(*) FILTER (WHERE private_channel = 'dm')::DOUBLE / count(*)    AS first_reply_handoff_dm_share,
           count(*) FILTER (WHERE private_channel = 'phone')::DOUBLE / count(*) AS first_reply_handoff_phone_share,
           count(*) FILTER (WHERE private_channel = 'email')::DOUBLE / count(*) AS first_reply_handoff_email_share,
           count(*) FILTER (WHERE private_channel = 'chat')::DOUBLE / count(*)  AS first_reply_handoff_chat_share,
           count(*) FILTER (WHERE private_channel = 'form')::DOUBLE / count(*)  AS first_reply_handoff_form_share
    FROM read_parquet($threads_file, union_by_name = true)
    WHERE organisation IS NOT NULL AND channel IS NOT NULL AND answered
    GROUP BY organisation, channel
)
SELECT organisation, channel, org_replies, handoff_replies, handoff_replies::DOUBLE / org_replies AS handoff_share,
       handoff_dm_share, handoff_phone_share, handoff_email_share, handoff_chat_share, handoff_form_share,
       first_replies, first_reply_handoff_share, first_reply_handoff_dm_share, first_reply_handoff_phone_share,
       first_reply_handoff_email_share, first_reply_handoff_chat_share, first_reply_handoff_form_share
FROM per_reply FULL OUTER JOIN first_reply USING (organisation, channel)
ORDER BY organisation, channel
