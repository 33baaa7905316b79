/**
 * The local event bus: EventBridge semantics offline. Events published by a local deployment are
 * archived in the key layout the monitoring stack writes to S3, matched against rules loaded from
 * files with AWS's own pattern matcher (event-ruler), and delivered to local stand-ins of the
 * rules' targets: a JSON-lines file per CloudWatch Logs log group, a "would invoke" record for any
 * other AWS target, and a real HTTP POST for webhooks.
 */
package com.smuscicd.local.bus;
