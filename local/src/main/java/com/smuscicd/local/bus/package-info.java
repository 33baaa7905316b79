/**
 * The local event bus: EventBridge semantics offline. Events published by a local deployment are
 * archived in the key layout the monitoring stack writes to S3, matched against rules loaded from
 * files with AWS's own pattern matcher (event-ruler), and delivered to local stand-ins of the
 * rules' targets: a file of one log event per line per CloudWatch Logs log group, a "would invoke"
 * record for any other AWS target, and a real HTTP POST for webhooks.
 * As with EventBridge, publishing returns once the events are archived; target deliveries run in
 * order on a background thread, and {@link com.smuscicd.local.bus.LocalEventBus#drain} waits for
 * them (dead-lettering what it cannot wait for).
 *
 * <p>Every target takes EventBridge's target input options ({@link com.smuscicd.local.bus.TargetInput}):
 * {@code Input} (constant JSON), {@code InputPath} (part of the event) or {@code InputTransformer}
 * ({@code InputPathsMap} + {@code InputTemplate}, with the predefined {@code aws.events.*}
 * variables), at most one per target, checked when the rules load. That is how a rule formats a
 * Slack message:
 * <pre>{@code
 * {"Id": "slack", "HttpEndpoint": "https://hooks.slack.com/services/...",
 *  "InputTransformer": {
 *    "InputPathsMap": {"pipeline": "$.detail.pipelineName", "code": "$.detail.error.code"},
 *    "InputTemplate": "{\"text\": \":red_circle: <pipeline> failed: <code>\"}"}}
 * }</pre>
 * In a JSON template (one starting with <code>&#123;</code>) a placeholder inside a string literal gets the
 * value's text JSON-escaped, and one standing as a value gets the value as JSON; in any other
 * template values are inserted as text. A path that selects nothing inserts an empty text. JSON
 * paths are {@code $} or dotted names; EventBridge's indices and wildcards are rejected at load.
 * A webhook receives the result as {@code application/json} when it is valid JSON, else
 * {@code text/plain}; log-group lines and "would invoke" records carry it too (see
 * {@link com.smuscicd.local.bus.LocalEventBus}). The archive always keeps the untransformed event.
 */
package com.smuscicd.local.bus;
