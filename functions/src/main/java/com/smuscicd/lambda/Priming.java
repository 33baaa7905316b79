package com.smuscicd.lambda;

import com.smuscicd.aws.AwsClients;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.DryRun;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventPublisher;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Priming for Lambda SnapStart: before the snapshot is taken (a CRaC {@code beforeCheckpoint}
 * hook, which SnapStart calls once when a version is published), each handler runs its own task on
 * a representative input ({@code priming/<handler>.json} in this jar) over dry-run clients. The
 * whole first-call path (JSON parsing, the phase, the SDK's marshalling, endpoint rules and signing,
 * the events) is then loaded and warm in every restored copy, while no request is sent, no event
 * is published and nothing is logged. The real clients that run used are built afterwards, so the
 * snapshot holds them too. Without SnapStart the hook never runs and clients stay lazy.
 */
final class Priming {

    private Priming() {
    }

    /**
     * Runs the task that {@code wiring} builds over dry-run copies of {@code clients} and of the
     * event publishers, on the handler's sample input, then {@code moreCalls}: dry calls of the
     * clients the sample run cannot reach, because an empty answer ends the task before them.
     * Then builds the real clients those used.
     */
    static void prime(AwsClients clients, String handler,
                      BiFunction<AwsClients, Function<String, EventPublisher>, TaskFunction> wiring,
                      Consumer<AwsClients> moreCalls) {
        AwsClients dry = clients.dryRun();
        byte[] input = sample(handler);
        DryRun.run(() -> {
            try {
                LambdaJson.invoke(wiring.apply(dry, EventBridgePublisher::dryRun),
                        new ByteArrayInputStream(input), OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        DryRun.run(() -> moreCalls.accept(dry));
        try {
            clients.buildClientsOf(dry);
            EventBridgePublisher.buildSharedClient();
        } catch (RuntimeException e) {
            // A client that cannot be built now fails the first invocation with the real message;
            // failing here would fail publishing the function version instead, with a vaguer one.
        }
    }

    /** The representative input of a handler, shipped in its jar. */
    static byte[] sample(String handler) {
        String path = "/com/smuscicd/lambda/priming/" + handler + ".json";
        try (InputStream in = Priming.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("priming input " + path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
