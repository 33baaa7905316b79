WITH d AS (
  SELECT deploymentid,
         min_by(pipelinename, sequence) AS pipeline, min_by(target.name, sequence) AS target,
         coalesce(min("timestamp") FILTER (WHERE stage = 'deploy' AND status = 'started'), min("timestamp")) AS started_at,
         min("timestamp") FILTER (WHERE stage = 'deploy' AND status = 'completed') AS completed_at,
         max_by("timestamp", sequence) FILTER (WHERE status = 'failed') AS failed_at,
         max_by(stage, sequence) FILTER (WHERE status = 'failed') AS failed_stage,
         max(sequence) FILTER (WHERE status = 'failed') AS failed_sequence,
         max_by(error.code, sequence) FILTER (WHERE status = 'failed' AND error.code IS NOT NULL) AS error_code,
         max_by(durationms, sequence) FILTER (WHERE stage = 'deploy' AND status <> 'started') AS duration_ms,
         max(CAST(try(from_iso8601_timestamp(metadata.committimestamp)) AT TIME ZONE 'UTC' AS timestamp)) AS committed_at,
         max("timestamp") AS last_event_at, count(*) AS events
  FROM smus_events WHERE deploymentid IS NOT NULL GROUP BY deploymentid)
SELECT deploymentid, pipeline, target,
       CASE WHEN completed_at IS NOT NULL THEN 'succeeded' WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'in_progress' END AS outcome,
       started_at, coalesce(completed_at, failed_at) AS ended_at,
       CASE WHEN completed_at IS NOT NULL OR failed_at IS NULL THEN NULL
            WHEN failed_stage <> 'deploy' THEN failed_stage
            ELSE CASE (failed_sequence - 2) / 2 WHEN 1 THEN 'project-init' WHEN 2 THEN 'bundle-upload'
                 WHEN 3 THEN 'workflow-creation' WHEN 4 THEN 'catalog-assets' ELSE 'deploy' END END AS failed_phase,
       CASE WHEN completed_at IS NULL THEN error_code END AS error_code,
       duration_ms, committed_at, last_event_at, events
FROM d
