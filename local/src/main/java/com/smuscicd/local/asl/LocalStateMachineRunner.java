package com.smuscicd.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * Runs a {@link StateMachineDefinition} in-process, calling {@link TaskFunction}s for Task states,
 * with the Step Functions semantics the definition uses: paths, Parameters, ResultSelector,
 * ResultPath, Retry with backoff and jitter (delays scaled by {@link Options#delayScale()}), Catch,
 * task and execution timeouts, and error names taken from the thrown exception's class name as the
 * Lambda Java runtime reports them.
 */
public final class LocalStateMachineRunner {

    private static final String STATES_ALL = "States.ALL";
    private static final String TASK_FAILED = "States.TaskFailed";
    private static final String TIMEOUT = "States.Timeout";
    private static final String RUNTIME = "States.Runtime";
    private static final String DATA_LIMIT = "States.DataLimitExceeded";
    /** Step Functions' quota for a state's input or output (UTF-8 bytes of the JSON). */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    private final StateMachineDefinition definition;
    private final Map<String, TaskFunction> functions;
    private final Options options;
    private final Object waits = new Object();
    /** Set by {@link #cutWaits}. */
    private boolean waitsCut;

    /**
     * Runtime options.
     *
     * @param delayScale       multiplies every retry and Wait delay (0 in tests, small for the CLI)
     * @param clock            for EnteredTime, StartTime and durations
     * @param random           uniform [0,1) for FULL jitter
     * @param stateMachineName used in the execution ARN
     */
    /**
     * The largest delay scale: a thousand times the definition's delays (its longest retry wait,
     * 16 s, becomes four and a half hours); beyond it a retry's wait is no longer a wait but an end.
     */
    public static final double MAX_DELAY_SCALE = 1000;

    public record Options(double delayScale, Clock clock, DoubleSupplier random, String stateMachineName) {

        /**
         * @throws IllegalArgumentException when delayScale is negative, NaN, infinite or above
         *                                  {@link #MAX_DELAY_SCALE} (a wait without end)
         */
        public Options {
            if (!Double.isFinite(delayScale) || delayScale < 0 || delayScale > MAX_DELAY_SCALE) {
                throw new IllegalArgumentException("delayScale must be a number from 0 to " + (int) MAX_DELAY_SCALE
                        + ", got " + delayScale);
            }
        }

        /** Real delays, system clock. */
        public static Options defaults() {
            return new Options(1.0, Clock.systemUTC(), Math::random, "smus-cicd-deploy");
        }
    }

    /**
     * @param functions task functions by placeholder name; every placeholder of the definition must be present
     * @throws AslException naming the state whose resource has no function
     */
    public LocalStateMachineRunner(StateMachineDefinition definition, Map<String, TaskFunction> functions,
                                   Options options) {
        for (String name : definition.stateNames()) {
            ObjectNode state = definition.state(name);
            if ("Task".equals(state.path("Type").asText())) {
                String placeholder = StateMachineDefinition.placeholderOf(state);
                if (!functions.containsKey(placeholder)) {
                    throw new AslException("state '" + name + "': resource ${" + placeholder
                            + "} has no local function (known: " + new TreeSet<>(functions.keySet()) + ")");
                }
            }
        }
        this.definition = definition;
        this.functions = Map.copyOf(functions);
        this.options = options;
    }

    /** The ARN a local execution gets, in the form Step Functions gives one. */
    public static String executionArn(String stateMachineName, String executionName) {
        return "arn:aws:states:local:123456789012:execution:" + stateMachineName + ":" + executionName;
    }

    /** Runs an execution to its end. */
    public ExecutionResult run(String executionName, JsonNode input, ExecutionListener listener) {
        Clock clock = options.clock();
        Instant start = clock.instant();
        String arn = executionArn(options.stateMachineName(), executionName);
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.putObject("Execution").put("Id", arn).put("Name", executionName).put("StartTime", start.toString())
                .set("Input", input);
        context.putObject("StateMachine").put("Id", arn.replace(":execution:", ":stateMachine:")
                .replace(":" + executionName, "")).put("Name", options.stateMachineName());
        List<String> visited = new ArrayList<>();
        String inputTooLarge = tooLarge(input);
        if (inputTooLarge != null) {
            return end(arn, "FAILED", null, DATA_LIMIT, "execution input: " + inputTooLarge, visited, start);
        }
        // A thread per invocation: a task that ignores its timeout's interrupt must not hold up the next state.
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-task");
            t.setDaemon(true);
            return t;
        });
        try {
            String current = definition.startAt();
            JsonNode data = input;
            while (true) {
                if (definition.timeoutSeconds() != null
                        && Duration.between(start, clock.instant()).getSeconds() >= definition.timeoutSeconds()) {
                    return end(arn, "TIMED_OUT", null, TIMEOUT, "execution exceeded " + definition.timeoutSeconds()
                            + " s", visited, start);
                }
                ObjectNode state = definition.state(current);
                String type = state.path("Type").asText();
                Instant entered = clock.instant();
                visited.add(current);
                listener.stateEntered(current, type, data);
                ObjectNode stateContext = context.deepCopy();
                stateContext.putObject("State").put("Name", current).put("EnteredTime", entered.toString())
                        .put("RetryCount", 0);
                Step step;
                try {
                    step = switch (type) {
                        case "Pass" -> pass(state, data, stateContext);
                        case "Task" -> task(current, state, data, stateContext, executor, listener);
                        case "Wait" -> waitState(state, data);
                        case "Succeed" -> new Step(output(state, inputOf(state, data, stateContext), stateContext),
                                null, true);
                        case "Fail" -> {
                            listener.stateExited(current, type, data, Duration.between(entered, clock.instant()));
                            yield null;
                        }
                        default -> throw new AslException("state '" + current + "': unsupported type " + type);
                    };
                } catch (RuntimeFailure e) {
                    return end(arn, "FAILED", null, RUNTIME, "state '" + current + "': " + e.getMessage(), visited,
                            start);
                } catch (TaskError e) {
                    return end(arn, "FAILED", null, e.error, e.cause, visited, start);
                }
                if (step == null) {
                    return end(arn, "FAILED", null, state.path("Error").asText(), state.path("Cause").asText(null),
                            visited, start);
                }
                String tooLarge = tooLarge(step.output);
                if (tooLarge != null) {
                    return end(arn, "FAILED", null, DATA_LIMIT, "state '" + current + "': " + tooLarge, visited, start);
                }
                if (!step.caught) {
                    listener.stateExited(current, type, step.output, Duration.between(entered, clock.instant()));
                }
                if (step.next == null) {
                    return new ExecutionResult(arn, "SUCCEEDED", step.output, null, null, visited, start,
                            clock.instant());
                }
                data = step.output;
                current = step.next;
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Why a payload breaks Step Functions' size quota, or null: what works locally must also fit in AWS. */
    private static String tooLarge(JsonNode payload) {
        if (payload == null) {
            return null;
        }
        int bytes = Json.write(payload).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return bytes > MAX_PAYLOAD_BYTES ? "output is " + bytes + " bytes, over the " + MAX_PAYLOAD_BYTES
                + "-byte Step Functions quota" : null;
    }

    private ExecutionResult end(String arn, String status, JsonNode output, String error, String cause,
                                List<String> visited, Instant start) {
        return new ExecutionResult(arn, status, output, error, cause, visited, start, options.clock().instant());
    }

    /** The result of one state: its output and the next state (null: the execution ends). */
    private record Step(JsonNode output, String next, boolean caught) {
        Step(JsonNode output, String next) {
            this(output, next, false);
        }
    }

    private Step pass(ObjectNode state, JsonNode raw, ObjectNode context) {
        JsonNode effective = inputOf(state, raw, context);
        JsonNode result = state.has("Parameters") ? template(state.get("Parameters"), effective, context)
                : state.has("Result") ? state.get("Result") : effective;
        JsonNode merged = resultPath(state, raw, result);
        return new Step(output(state, merged, context), next(state));
    }

    private Step waitState(ObjectNode state, JsonNode raw) {
        sleep(Duration.ofSeconds(state.path("Seconds").asLong()));
        return new Step(raw, next(state));
    }

    private Step task(String name, ObjectNode state, JsonNode raw, ObjectNode context, ExecutorService executor,
                      ExecutionListener listener) {
        JsonNode effective = inputOf(state, raw, context);
        TaskFunction function = functions.get(StateMachineDefinition.placeholderOf(state));
        Map<Integer, Integer> attemptsPerRetrier = new HashMap<>();
        int attempt = 0;
        while (true) {
            ((ObjectNode) context.get("State")).put("RetryCount", attempt);
            JsonNode parameters = state.has("Parameters") ? template(state.get("Parameters"), effective, context)
                    : effective;
            TaskError failure;
            try {
                listener.taskStarted(name, attempt + 1);
                JsonNode result = invoke(function, parameters, state, executor);
                listener.taskSucceeded(name);
                if (state.has("ResultSelector")) {
                    result = template(state.get("ResultSelector"), result, context);
                }
                return new Step(output(state, resultPath(state, raw, result), context), next(state));
            } catch (TaskError e) {
                failure = e;
            }
            attempt++;
            Duration delay = retryDelay(state.path("Retry"), failure.error, attemptsPerRetrier);
            listener.taskFailed(name, failure.error, failure.cause, attempt, delay);
            if (delay != null) {
                sleep(delay);
                continue;
            }
            JsonNode catcher = matching(state.path("Catch"), failure.error);
            if (catcher == null) {
                throw failure;
            }
            ObjectNode errorOutput = JsonNodeFactory.instance.objectNode();
            errorOutput.put("Error", failure.error);
            errorOutput.put("Cause", failure.cause);
            JsonNode resultPath = catcher.has("ResultPath") ? catcher.get("ResultPath") : null;
            JsonNode merged = resultPath != null && resultPath.isNull() ? raw
                    : JsonPaths.write(raw, resultPath == null ? "$" : resultPath.asText(), errorOutput);
            listener.caughtExit(name, "Task", merged);
            listener.caught(name, failure.error, catcher.path("Next").asText());
            return new Step(merged, catcher.path("Next").asText(), true);
        }
    }

    private JsonNode invoke(TaskFunction function, JsonNode parameters, ObjectNode state, ExecutorService executor) {
        JsonNode argument = parameters.deepCopy();
        Future<JsonNode> future = executor.submit(() -> function.invoke(argument));
        try {
            if (state.has("TimeoutSeconds")) {
                return future.get(state.path("TimeoutSeconds").asLong(), TimeUnit.SECONDS);
            }
            return future.get();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TaskError(TIMEOUT, "Task timed out after " + state.path("TimeoutSeconds").asLong() + " seconds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskError(TIMEOUT, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String type = cause.getClass().getName();
            ObjectNode causeJson = JsonNodeFactory.instance.objectNode();
            causeJson.put("errorMessage", String.valueOf(cause.getMessage()));
            causeJson.put("errorType", type);
            throw new TaskError(type, Json.write(causeJson));
        }
    }

    /** The delay before the next attempt, or null when no retrier matches or its attempts are spent. */
    private Duration retryDelay(JsonNode retriers, String error, Map<Integer, Integer> attemptsPerRetrier) {
        for (int i = 0; i < retriers.size(); i++) {
            JsonNode retrier = retriers.get(i);
            if (!matches(retrier.path("ErrorEquals"), error)) {
                continue;
            }
            int done = attemptsPerRetrier.getOrDefault(i, 0);
            int max = retrier.path("MaxAttempts").asInt(3);
            if (done >= max) {
                return null;
            }
            attemptsPerRetrier.put(i, done + 1);
            double seconds = retrier.path("IntervalSeconds").asDouble(1)
                    * Math.pow(retrier.path("BackoffRate").asDouble(2.0), done);
            if (retrier.has("MaxDelaySeconds")) {
                seconds = Math.min(seconds, retrier.path("MaxDelaySeconds").asDouble());
            }
            if ("FULL".equals(retrier.path("JitterStrategy").asText("NONE"))) {
                seconds = seconds * options.random().getAsDouble();
            }
            return Duration.ofNanos((long) (seconds * 1e9));
        }
        return null;
    }

    private static JsonNode matching(JsonNode catchers, String error) {
        for (JsonNode catcher : catchers) {
            if (matches(catcher.path("ErrorEquals"), error)) {
                return catcher;
            }
        }
        return null;
    }

    private static boolean matches(JsonNode errorEquals, String error) {
        if (RUNTIME.equals(error)) {
            return false;
        }
        for (JsonNode name : errorEquals) {
            String n = name.asText();
            if (n.equals(error) || n.equals(STATES_ALL) || (n.equals(TASK_FAILED) && !TIMEOUT.equals(error))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the waits of this run (retry delays, Wait states) now and those it would start later:
     * a stopped execution is not kept waiting for a retry it will not make.
     */
    public void cutWaits() {
        synchronized (waits) {
            waitsCut = true;
            waits.notifyAll();
        }
    }

    private void sleep(Duration delay) {
        long nanos = (long) (delay.toNanos() * options.delayScale());
        long end = System.nanoTime() + nanos;
        synchronized (waits) {
            for (long left = nanos; left > 0 && !waitsCut; left = end - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(waits, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String next(ObjectNode state) {
        return state.path("End").asBoolean(false) ? null : state.path("Next").asText();
    }

    private static JsonNode inputOf(ObjectNode state, JsonNode raw, ObjectNode context) {
        JsonNode path = state.get("InputPath");
        if (path == null) {
            return raw;
        }
        if (path.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        return select(raw, context, path.asText(), "InputPath");
    }

    private static JsonNode output(ObjectNode state, JsonNode merged, ObjectNode context) {
        JsonNode path = state.get("OutputPath");
        if (path == null) {
            return merged;
        }
        if (path.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        return select(merged, context, path.asText(), "OutputPath");
    }

    private static JsonNode resultPath(ObjectNode state, JsonNode raw, JsonNode result) {
        JsonNode path = state.get("ResultPath");
        if (path == null) {
            return result;
        }
        if (path.isNull()) {
            return raw;
        }
        return JsonPaths.write(raw, path.asText(), result);
    }

    private static JsonNode select(JsonNode input, JsonNode context, String path, String what) {
        JsonNode value = JsonPaths.read(input, context, path);
        if (value instanceof MissingNode) {
            throw new RuntimeFailure(what + " '" + path + "' selects nothing in the input");
        }
        return value;
    }

    private static JsonNode template(JsonNode template, JsonNode input, JsonNode context) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (key.endsWith(".$")) {
                out.set(key.substring(0, key.length() - 2), select(input, context, field.getValue().asText(),
                        "Parameters field '" + key + "' path"));
            } else if (field.getValue().isObject()) {
                out.set(key, template(field.getValue(), input, context));
            } else {
                out.set(key, field.getValue().deepCopy());
            }
        }
        return out;
    }

    /** A task error: name and cause, as Step Functions records them. */
    private static final class TaskError extends RuntimeException {
        final String error;
        final String cause;

        TaskError(String error, String cause) {
            super(error + ": " + cause, null, false, false);
            this.error = error;
            this.cause = cause;
        }
    }

    /** A States.Runtime failure: the execution fails, no Retry or Catch applies. */
    private static final class RuntimeFailure extends RuntimeException {
        RuntimeFailure(String message) {
            super(message, null, false, false);
        }
    }
}
