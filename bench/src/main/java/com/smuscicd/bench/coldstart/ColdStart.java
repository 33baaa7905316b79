package com.smuscicd.bench.coldstart;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A simulated Lambda cold start, one per JVM: loads and constructs the handler the way the Java
 * runtime does (its public no-arg constructor), then serves one invocation with the given input.
 *
 * <pre>java -cp functions/target/lambda/&lt;function&gt;.jar:bench.jar com.smuscicd.bench.coldstart.ColdStart &lt;handler class&gt; &lt;input.json&gt; [--primed]</pre>
 *
 * The handler's response goes to stdout; one line to stderr gives the time spent constructing
 * ({@code initMs}, Lambda's Init phase), invoking ({@code invokeMs}) and the classes loaded by
 * then. Exit status 1 if the handler threw, so a benchmark never times a failure.
 *
 * <p>With {@code --primed}, the handler's SnapStart hook ({@code beforeCheckpoint}) runs after
 * construction and before the invocation clock starts ({@code primeMs}): {@code invokeMs} is then
 * what a function restored from a primed snapshot pays for its first invocation, on top of
 * Lambda's restore, which cannot be simulated here.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        boolean primed = args.length == 3 && args[2].equals("--primed");
        if (args.length != 2 && !primed) {
            System.err.println("usage: ColdStart <handler class> <input.json> [--primed]");
            System.exit(2);
        }
        byte[] input = Files.readAllBytes(Path.of(args[1]));
        String simpleName = args[0].substring(args[0].lastIndexOf('.') + 1);

        long start = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor()
                .newInstance();
        long constructed = System.nanoTime();
        double primeMs = 0;
        if (primed) {
            // What Lambda SnapStart does once, when it takes the snapshot: the restored copy starts here.
            ((org.crac.Resource) handler).beforeCheckpoint(null);
            long afterPriming = System.nanoTime();
            primeMs = (afterPriming - constructed) / 1e6;
            constructed = afterPriming;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(input), output,
                    new DriverContext(simpleName, System.currentTimeMillis() + 900_000));
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        long invoked = System.nanoTime();

        System.out.println(output.toString(StandardCharsets.UTF_8));
        // Read after the clock stopped: the management classes are not free to load.
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.err.printf("coldstart handler=%s initMs=%.1f invokeMs=%.1f classes=%d primeMs=%.1f%n", simpleName,
                (constructed - start) / 1e6 - primeMs, (invoked - constructed) / 1e6, classes, primeMs);
        System.out.flush();
        System.err.flush();
        // Like a Lambda sandbox being frozen: no waiting for non-daemon threads an SDK may have left.
        System.exit(0);
    }
}
