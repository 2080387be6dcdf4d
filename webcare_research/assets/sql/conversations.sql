-- conversations.sql — conversations and how they end: per organisation and channel, how many conversations with a
-- customer message there are, how many the organisation replied in, how many were resolved (the customer thanks or
-- confirms a fix after the organisation's first message, or the organisation's message closes the conversation),
-- their turns and messages, and the time to the organisation's last message; the DuckDB twin of
-- measures.conversation.conversation_measures(conversation_table(mentions)) (resolution rate and its Wilson interval
-- are added in Python, by the same function as there). The closure patterns are measures.conversation's (one home),
-- passed in as RE2 parameters.
--
-- Input  $mention_files   the mention partitions (ingest.store): every message, with `row`, the flat table order
--        $closure         CUSTOMER_CLOSURE: a customer message that thanks or confirms a solution
--        $negated         CUSTOMER_NEGATED: ... unless negated ("nog steeds niet opgelost", "thanks for nothing")
--        $org_closure     ORG_CLOSURE: an organisation message that closes ("fijne dag", "glad we could help")
-- Output one row per organisation and channel, with
--        conversations                 conversations with at least one customer message
--        replied_conversations         of those, with at least one organisation message
--        resolved_conversations        resolved by the customer or by the organisation's last message
--        resolved_by_customer          resolved by a customer message after the organisation's first one
--        turns_mean, turns_median      turns (runs of messages by the same role, in time order)
--        messages_mean                 messages per conversation
--        time_to_last_org_median_min   median minutes from the first message to the organisation's last one
-- A conversation's organisation is that of its first organisation message (else of its first message naming one), its
-- channel that of its first message with one; messages are in time order, ties in the flat table's order (`row`).
-- Conversations without an organisation or a channel do not count (as pandas' groupby drops null keys).
WITH m AS (  -- the texts stay out of the sort: on a 50M-message store the window would otherwise spill them all
    SELECT conversation_id, organisation, channel, created_at, "row",
           CASE WHEN author_role = 'other' THEN NULL ELSE author_role END AS role,
           row_number() OVER w AS seq,
           lag(CASE WHEN author_role = 'other' THEN NULL ELSE author_role END) OVER w AS prev_role,
           lead("row") OVER w IS NULL AS is_last,
           -- over the whole conversation, in the same window as the order (one sort of the messages, not two)
           min(created_at) FILTER (WHERE author_role = 'organisation')
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_org_at
    FROM read_parquet($mention_files, union_by_name = true)
    WINDOW w AS (PARTITION BY conversation_id ORDER BY created_at NULLS LAST, "row")
), candidates AS (  -- the messages whose text can decide: customers' after the first reply, the last if the organisation's
    SELECT "row", role = 'customer' AS by_customer
    FROM m
    WHERE (role = 'customer' AND created_at > first_org_at) OR (role = 'organisation' AND is_last)
), closes AS (
    SELECT c."row", c.by_customer,
           CASE WHEN c.by_customer THEN regexp_matches(t.text, $closure) AND NOT regexp_matches(t.text, $negated)
                ELSE regexp_matches(t.text, $org_closure) END AS closes
    FROM candidates c JOIN read_parquet($mention_files, union_by_name = true) t ON t."row" = c."row"
), conv AS (
    SELECT f.conversation_id,
           coalesce(arg_min(f.organisation, f.seq) FILTER (WHERE f.role = 'organisation' AND f.organisation IS NOT NULL),
                    arg_min(f.organisation, f.seq) FILTER (WHERE f.organisation IS NOT NULL)) AS organisation,
           arg_min(f.channel, f.seq) FILTER (WHERE f.channel IS NOT NULL) AS channel,
           count(*) AS messages,
           count(*) FILTER (WHERE f.seq = 1 OR f.role IS DISTINCT FROM f.prev_role) AS turns,
           count(*) FILTER (WHERE f.role = 'customer') AS customer_messages,
           count(*) FILTER (WHERE f.role = 'organisation') AS organisation_messages,
           min(f.created_at) AS started_at,
           max(f.created_at) FILTER (WHERE f.role = 'organisation') AS last_org_at,
           coalesce(bool_or(k.closes) FILTER (WHERE k.by_customer), false) AS by_customer,
           coalesce(bool_or(k.closes) FILTER (WHERE NOT k.by_customer), false) AS by_organisation
    FROM m f LEFT JOIN closes k ON k."row" = f."row"
    GROUP BY f.conversation_id
)
SELECT organisation, channel,
       count(*)                                               AS conversations,
       count(*) FILTER (WHERE organisation_messages > 0)      AS replied_conversations,
       count(*) FILTER (WHERE by_customer OR by_organisation) AS resolved_conversations,
       count(*) FILTER (WHERE by_customer)                    AS resolved_by_customer,
       avg(turns)                                             AS turns_mean,
       median(turns)                                          AS turns_median,
       avg(messages)                                          AS messages_mean,
       median((epoch_us(CAST(last_org_at AS TIMESTAMPTZ)) - epoch_us(CAST(started_at AS TIMESTAMPTZ))) / 6e7)
                                                              AS time_to_last_org_median_min
FROM conv
WHERE customer_messages > 0 AND organisation IS NOT NULL AND channel IS NOT NULL
GROUP BY organisation, channel
ORDER BY organisation, channel
