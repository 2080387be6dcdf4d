-- agents.sql — who signs the replies: per organisation and channel, how many agents sign, how many replies are signed
-- and how much of the signed work the busiest agent does; the DuckDB twin of measures.conversation.agent_summary
-- (agents are the initials or names ingest extracted from the replies' signatures: mentions.agent).
--
-- Input  $reply_files  the mention partitions holding the organisations' replies (ingest.store), or mentions.parquet
-- Output one row per organisation and channel, with
--        agents_n            distinct agents signing the organisation's replies
--        signed_reply_share  share of the organisation's replies that carry an agent's signature
--        top_agent_share     share of the signed replies written by the agent who signed most (NULL: none signed)
-- Rows with no organisation or no channel do not count (as pandas' groupby drops null keys).
WITH replies AS (
    SELECT organisation, channel, agent
    FROM read_parquet($reply_files, union_by_name = true)
    WHERE author_role = 'organisation' AND organisation IS NOT NULL AND channel IS NOT NULL
), per_agent AS (
    SELECT organisation, channel, agent, count(*) AS n
    FROM replies
    WHERE agent IS NOT NULL
    GROUP BY organisation, channel, agent
), top AS (
    SELECT organisation, channel, max(n)::DOUBLE / sum(n)::DOUBLE AS top_agent_share
    FROM per_agent
    GROUP BY organisation, channel
), groups AS (
    SELECT organisation, channel,
           count(DISTINCT agent)                AS agents_n,
           count(agent)::DOUBLE / count(*)      AS signed_reply_share
    FROM replies
    GROUP BY organisation, channel
)
SELECT g.organisation, g.channel, g.agents_n, g.signed_reply_share, t.top_agent_share
FROM groups g LEFT JOIN top t ON g.organisation = t.organisation AND g.channel = t.channel
ORDER BY g.organisation, g.channel
