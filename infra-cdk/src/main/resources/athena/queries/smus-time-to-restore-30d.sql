WITH finished AS (
  SELECT pipeline, target, deploymentid, outcome, ended_at,
         sum(CASE WHEN outcome = 'succeeded' THEN 1 ELSE 0 END)
           OVER (PARTITION BY pipeline, target ORDER BY ended_at, started_at, deploymentid ROWS UNBOUNDED PRECEDING) AS successes_so_far
  -- a cancelled one neither starts nor ends a streak
  FROM smus_deployments WHERE outcome IN ('succeeded', 'failed') AND started_at >= current_timestamp - INTERVAL '30' DAY),
streaks AS (SELECT pipeline, target, successes_so_far AS k, min(ended_at) AS failed_at FROM finished WHERE outcome = 'failed' GROUP BY 1, 2, 3),
restored AS (SELECT pipeline, target, successes_so_far AS k, ended_at AS restored_at FROM finished WHERE outcome = 'succeeded')
SELECT s.pipeline, s.target, count(r.restored_at) AS restores,
       approx_percentile(date_diff('millisecond', s.failed_at, r.restored_at), 0.5) AS ttr_p50_ms,
       avg(date_diff('millisecond', s.failed_at, r.restored_at)) AS ttr_mean_ms,
       min(s.failed_at) FILTER (WHERE r.restored_at IS NULL) AS failing_since
FROM streaks s LEFT JOIN restored r ON r.pipeline = s.pipeline AND r.target = s.target AND r.k = s.k + 1
GROUP BY 1, 2 ORDER BY 1, 2;
