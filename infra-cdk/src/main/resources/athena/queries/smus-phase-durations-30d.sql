SELECT d.pipeline, d.target, e.stage AS phase, count(*) AS n,
       approx_percentile(e.durationms, 0.5) AS p50_ms, approx_percentile(e.durationms, 0.95) AS p95_ms, max(e.durationms) AS max_ms
FROM smus_events e JOIN smus_deployments d ON e.deploymentid = d.deploymentid
WHERE e.status = 'completed' AND e.durationms IS NOT NULL AND d.started_at >= current_timestamp - INTERVAL '30' DAY
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
