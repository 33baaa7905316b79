WITH e AS (
  -- details is the JSON text of the event's object; the archive table's SerDe reads keys without case,
  -- and may hand nested keys on lower-cased: both spellings are read
  SELECT *, coalesce("timestamp", "time") AS event_at,
         coalesce(json_extract_scalar(details, '$.failedPhase'), json_extract_scalar(details, '$.failedphase'))
             AS named_failed_phase
  FROM smus_events WHERE deploymentid IS NOT NULL),
d AS (
  SELECT deploymentid,
         min_by(pipelinename, sequence) FILTER (WHERE pipelinename IS NOT NULL) AS pipeline,
         min_by(target.name, sequence) FILTER (WHERE target.name IS NOT NULL) AS target,
         coalesce(min(event_at) FILTER (WHERE stage = 'deploy' AND status = 'started'), min(event_at)) AS started_at,
         bool_or(stage = 'deploy' AND status = 'completed') AS completed,
         min(event_at) FILTER (WHERE stage = 'deploy' AND status = 'completed') AS completed_at,
         bool_or(status = 'failed') AS failed,
         max_by(event_at, sequence) FILTER (WHERE status = 'failed') AS failed_at,
         max_by(stage, sequence) FILTER (WHERE status = 'failed' AND stage <> 'deploy') AS phase_failed,
         max_by(named_failed_phase, sequence) FILTER (WHERE stage = 'deploy' AND status = 'failed'
             AND named_failed_phase IS NOT NULL) AS named_phase,
         max_by(error.code, sequence) FILTER (WHERE status = 'failed' AND error.code IS NOT NULL) AS error_code,
         max_by(durationms, sequence) FILTER (WHERE stage = 'deploy' AND status <> 'started') AS duration_ms,
         max(CAST(try(from_iso8601_timestamp(metadata.committimestamp)) AT TIME ZONE 'UTC' AS timestamp)) AS committed_at,
         max(event_at) AS last_event_at, count(*) AS events
  FROM e GROUP BY deploymentid)
SELECT deploymentid, pipeline, target,
       -- stopped (EXECUTION_ABORTED): cancelled, not failed
       CASE WHEN completed THEN 'succeeded' WHEN failed AND error_code = 'EXECUTION_ABORTED' THEN 'cancelled'
            WHEN failed THEN 'failed' ELSE 'in_progress' END AS outcome,
       started_at, CASE WHEN completed THEN completed_at ELSE failed_at END AS ended_at,
       CASE WHEN completed OR NOT failed THEN NULL ELSE coalesce(phase_failed, named_phase, 'deploy') END AS failed_phase,
       CASE WHEN NOT completed THEN error_code END AS error_code,
       duration_ms, committed_at, last_event_at, events
FROM d
