package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventEmitterGuardTest {

    @Test
    void started_whenThePublisherThrows_doesNotThrowAndLogsTheWholeEvent() {
        EventPublisher broken = events -> {
            throw new IllegalStateException("publisher bug");
        };
        EventEmitter emitter = EventEmitter.create(broken, TestEvents.context(null), TestEvents.clock());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            emitter.started(Stage.BUNDLE_UPLOAD);
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("PUBLISHER_ERROR").contains("publisher bug")
                .contains("SMUS-CICD-Deploy-BundleUpload-Started");
    }
}
