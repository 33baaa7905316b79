package com.smuscicd.local.faults;

import com.smuscicd.testsupport.MotoServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TimingProbeTest {
    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create();

    @Test
    void probe() {
        FaultHarness h = FaultHarness.start(MOTO);
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            MOTO.reset();
            long t1 = System.nanoTime();
            h.reset();
            long t2 = System.nanoTime();
            FaultRun run = h.deploy();
            long t3 = System.nanoTime();
            h.assertNoEventLost(run);
            long t4 = System.nanoTime();
            for (Dependency d : Dependency.values()) {
                var evs = h.server(d).getAllServeEvents();
                System.out.println("PROBE " + d + " n=" + evs.size() + " total=" + evs.stream().mapToInt(e -> e.getTiming().getTotalTime()).sum()
                    + " max=" + evs.stream().mapToInt(e -> e.getTiming().getTotalTime()).max().orElse(0));
            }
            System.out.printf("PROBE moto-reset=%d reset=%d deploy=%d evidence=%d%n", (t1-t0)/1000000, (t2-t1)/1000000, (t3-t2)/1000000, (t4-t3)/1000000);
        }
        h.close();
    }
}
