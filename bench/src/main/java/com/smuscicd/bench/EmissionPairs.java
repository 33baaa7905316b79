package com.smuscicd.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@link EmissionBenchmark}'s comparison with the modes interleaved in one JVM: round after round,
 * each mode deploys the example {@value #BATCH} times and the mean of that batch is one sample.
 * JMH runs its parameters one after the other, so on a shared machine a change of load between
 * them shows up as a difference between modes; here it hits every mode alike. It also reports the
 * deploying thread's CPU time, which waiting for a core on a busy machine does not inflate.
 *
 * <pre>java -cp bench/target/benchmarks.jar com.smuscicd.bench.EmissionPairs [rounds, default 30]</pre>
 */
public final class EmissionPairs {

    static final int BATCH = 5;
    static final int WARMUP_ROUNDS = 40;

    private EmissionPairs() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path example = ExampleDeployment.locateExample();
        Map<ExampleDeployment.Events, ExampleDeployment> deployments = new EnumMap<>(ExampleDeployment.Events.class);
        Map<ExampleDeployment.Events, List<Double>> samples = new EnumMap<>(ExampleDeployment.Events.class);
        Map<ExampleDeployment.Events, List<Double>> cpuSamples = new EnumMap<>(ExampleDeployment.Events.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Path> stateDirs = new ArrayList<>();
        for (ExampleDeployment.Events mode : ExampleDeployment.Events.values()) {
            Path stateDir = Files.createTempDirectory("smus-bench-pairs-");
            stateDirs.add(stateDir);
            deployments.put(mode, new ExampleDeployment(example, stateDir, "dev", mode));
            samples.put(mode, new ArrayList<>());
            cpuSamples.put(mode, new ArrayList<>());
        }
        try {
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                deployments.values().forEach(ExampleDeployment::run);
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<ExampleDeployment.Events, ExampleDeployment> entry : deployments.entrySet()) {
                    long start = System.nanoTime();
                    long startCpu = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < BATCH; i++) {
                        if (!entry.getValue().run().execution().succeeded()) {
                            throw new IllegalStateException("the example deployment failed in mode " + entry.getKey());
                        }
                    }
                    samples.get(entry.getKey()).add((System.nanoTime() - start) / 1e6 / BATCH);
                    cpuSamples.get(entry.getKey()).add((threads.getCurrentThreadCpuTime() - startCpu) / 1e6 / BATCH);
                }
            }
        } finally {
            stateDirs.forEach(LocalBusBenchmark::deleteRecursively);
        }
        double off = median(samples.get(ExampleDeployment.Events.OFF));
        double offCpu = median(cpuSamples.get(ExampleDeployment.Events.OFF));
        System.out.printf("%d rounds x %d deployments per mode, interleaved; ms per deployment. cpu = CPU time of the"
                + " deploying thread (not of git's processes, nor of JIT and GC threads)%n", rounds, BATCH);
        System.out.printf("| %-16s | %11s | %6s | %6s | %17s | %10s | %17s |%n", "events", "wall median", "p25", "p75",
                "wall vs OFF", "cpu median", "cpu vs OFF");
        System.out.println("|------------------|-------------|--------|--------|-------------------|------------|"
                + "-------------------|");
        for (ExampleDeployment.Events mode : ExampleDeployment.Events.values()) {
            List<Double> sorted = samples.get(mode).stream().sorted().toList();
            double median = median(sorted);
            double cpu = median(cpuSamples.get(mode));
            System.out.printf("| %-16s | %11.2f | %6.2f | %6.2f | %+7.2f (%+6.0f%%) | %10.2f | %+7.2f (%+6.0f%%) |%n",
                    mode, median, sorted.get(sorted.size() / 4), sorted.get(sorted.size() * 3 / 4), median - off,
                    100 * (median - off) / off, cpu, cpu - offCpu, 100 * (cpu - offCpu) / offCpu);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
