SELECT * FROM smus_events 
WHERE pipelineName = 'MyPipeline' 
  AND status = 'failed'
ORDER BY timestamp DESC
LIMIT 10;
