SELECT pipeline, target, failed_phase, error_code, count(*) AS failures
FROM smus_deployments WHERE outcome = 'failed' AND started_at >= current_timestamp - INTERVAL '30' DAY
GROUP BY 1, 2, 3, 4 ORDER BY failures DESC;
