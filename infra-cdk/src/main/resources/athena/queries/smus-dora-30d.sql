SELECT pipeline, target, count(*) AS deployments,
       count_if(outcome = 'succeeded') AS succeeded, count_if(outcome = 'failed') AS failed,
       count_if(outcome = 'cancelled') AS cancelled, count_if(outcome = 'in_progress') AS in_progress,
       -- cancelled (stopped) deployments are in neither rate
       CAST(count_if(outcome = 'succeeded') AS double) / nullif(count_if(outcome IN ('succeeded', 'failed')), 0) AS success_rate,
       CAST(count_if(outcome = 'succeeded') AS double) / 30 AS deployments_per_day,
       -- a commit after its own deployment is clock skew, not a lead time: left out, and counted
       approx_percentile(date_diff('millisecond', committed_at, ended_at), 0.5)
         FILTER (WHERE outcome = 'succeeded' AND committed_at <= ended_at) AS lead_time_p50_ms,
       count_if(outcome = 'succeeded' AND committed_at > ended_at) AS lead_time_ignored,
       CAST(count_if(outcome = 'failed') AS double) / nullif(count_if(outcome IN ('succeeded', 'failed')), 0) AS change_failure_rate
FROM smus_deployments WHERE started_at >= current_timestamp - INTERVAL '30' DAY
GROUP BY 1, 2 ORDER BY 1, 2;
