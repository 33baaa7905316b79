package com.smuscicd.bench;

import com.smuscicd.local.LocalRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time emitting its events adds to a local deployment of the example: the same deployment
 * with events off ({@code --no-events}), with events built but dropped (metadata collection and
 * the emitter alone), with events on to the local bus (archive, rules, targets: what
 * {@code deploy --local} does), and the same with the metadata given rather than collected from
 * git, side by side in one run. The target is LOCAL_BUS within 5% of OFF.
 *
 * <p>Each trial deploys the {@code dev} target repeatedly into one state directory, so after the
 * first operation these are re-deployments (bundle and workflows unchanged, assets already
 * requested), the steady state of a CI pipeline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class EmissionBenchmark {

    @Param({"OFF", "DISCARDED", "LOCAL_BUS", "LOCAL_BUS_NO_GIT"})
    public String events;

    private Path stateDir;
    private ExampleDeployment deployment;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stateDir = Files.createTempDirectory("smus-bench-emission-");
        deployment = new ExampleDeployment(ExampleDeployment.locateExample(), stateDir, "dev",
                ExampleDeployment.Events.valueOf(events));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        LocalBusBenchmark.deleteRecursively(stateDir);
    }

    @Benchmark
    public LocalRun deploy() {
        LocalRun run = deployment.run();
        if (!run.execution().succeeded()) {
            // A failed deployment is faster and would make the comparison meaningless.
            throw new IllegalStateException("the example deployment failed: " + run.execution().error() + ": "
                    + run.execution().cause());
        }
        return run;
    }
}
