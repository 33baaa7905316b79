package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** What a stop does to the events of the threads it did not start. */
class LateGateTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final LateGate gate = new LateGate(events -> {
        events.forEach(e -> sent.add(e.detailType()));
        return EventPublisher.PublishResult.allDelivered(events.size());
    });

    private static DeploymentEvent event(String detailType) {
        JsonNode envelope = EventContract.example(detailType);
        List<String> resources = new ArrayList<>();
        envelope.get("resources").forEach(r -> resources.add(r.asText()));
        return new DeploymentEvent(envelope.get("id").asText(), detailType, envelope.get("source").asText(),
                Instant.parse(envelope.get("time").asText()), resources,
                Json.convert(envelope.get("detail"), EventDetail.class));
    }

    /** Closes the gate for another thread than this test's, as a stop does. */
    private void closeForAStop() throws InterruptedException {
        Thread stop = new Thread(() -> gate.closeToAllBut(Thread.currentThread(), Duration.ofSeconds(1)));
        stop.start();
        stop.join();
    }

    @Test
    void publish_whileTheStopDecidesAndItReopens_sendsWhatWasHeldInOrderAndOnlyOnce() throws Exception {
        closeForAStop();
        gate.publish(List.of(event("SMUS-CICD-Deploy-CatalogAssets-Completed")));
        gate.publish(List.of(event("SMUS-CICD-Deploy-Completed")));

        assertThat(sent).isEmpty();
        gate.reopen(Duration.ofSeconds(1));
        gate.publish(List.of(event("SMUS-CICD-Deploy-Started")));

        assertThat(sent).containsExactly("SMUS-CICD-Deploy-CatalogAssets-Completed", "SMUS-CICD-Deploy-Completed",
                "SMUS-CICD-Deploy-Started");
        assertThat(gate.late()).isEmpty();
    }

    @Test
    void publish_whileTheStopDecidesAndItSettles_keepsWhatWasHeldAndWhatComesAsLate() throws Exception {
        closeForAStop();
        gate.publish(List.of(event("SMUS-CICD-Deploy-WorkflowCreation-Completed")));
        gate.settled();
        gate.publish(List.of(event("SMUS-CICD-Deploy-CatalogAssets-Started")));

        assertThat(sent).isEmpty();
        assertThat(gate.late()).extracting(DeploymentEvent::detailType).containsExactly(
                "SMUS-CICD-Deploy-WorkflowCreation-Completed", "SMUS-CICD-Deploy-CatalogAssets-Started");
    }

    @Test
    void reopen_whileAPublishThatPassedTheGateHangs_sendsWhatWasHeldWithoutWaitingForIt() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LateGate slow = new LateGate(events -> {
            if (events.get(0).detailType().endsWith("-Started")) {
                sending.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            events.forEach(e -> sent.add(e.detailType()));
            return EventPublisher.PublishResult.allDelivered(events.size());
        });
        Thread hanging = new Thread(() -> slow.publish(List.of(event("SMUS-CICD-Deploy-CatalogAssets-Started"))));
        hanging.start();
        sending.await();
        Thread stop = new Thread(() -> slow.closeToAllBut(Thread.currentThread(), Duration.ofMillis(50)));
        stop.start();
        stop.join();
        slow.publish(List.of(event("SMUS-CICD-Deploy-Completed")));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> slow.reopen(Duration.ofMillis(50)));
        assertThat(sent).containsExactly("SMUS-CICD-Deploy-Completed");
        slow.publish(List.of(event("SMUS-CICD-Deploy-BundleUpload-Completed")));
        release.countDown();
        hanging.join();

        assertThat(sent).containsExactly("SMUS-CICD-Deploy-Completed", "SMUS-CICD-Deploy-BundleUpload-Completed",
                "SMUS-CICD-Deploy-CatalogAssets-Started");
        assertThat(slow.late()).isEmpty();
    }

    @Test
    void abandon_whileWhatWasHeldIsStillBeingSent_keepsItAsLate() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LateGate hanging = new LateGate(events -> {
            sending.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EventPublisher.PublishResult.allDelivered(events.size());
        });
        Thread stop = new Thread(() -> hanging.closeToAllBut(Thread.currentThread(), Duration.ofMillis(50)));
        stop.start();
        stop.join();
        hanging.publish(List.of(event("SMUS-CICD-Deploy-Completed")));
        Thread reopening = new Thread(() -> hanging.reopen(Duration.ofMillis(50)));
        reopening.start();
        sending.await();

        // the process must end while the held Deploy-Completed is being sent
        hanging.abandon();

        assertThat(hanging.late()).extracting(DeploymentEvent::detailType).containsExactly("SMUS-CICD-Deploy-Completed");
        release.countDown();
        reopening.join();
    }

    @Test
    void publish_afterAnAbandon_isLateFromEveryThread() throws Exception {
        gate.abandon();
        gate.publish(List.of(event("SMUS-CICD-Deploy-Failed")));
        Thread other = new Thread(() -> gate.publish(List.of(event("SMUS-CICD-Deploy-Completed"))));
        other.start();
        other.join();

        assertThat(sent).isEmpty();
        assertThat(gate.late()).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-Failed", "SMUS-CICD-Deploy-Completed");
    }

    @Test
    void phaseEnds_areThePhasesOwnEndsThatPassedTheGate() {
        gate.publish(List.of(event("SMUS-CICD-Deploy-BundleUpload-Completed")));
        gate.publish(List.of(event("SMUS-CICD-Deploy-WorkflowCreation-Failed"), event("SMUS-CICD-Deploy-Failed")));

        assertThat(gate.phaseEnds()).extracting(s -> s.state() + " " + s.kind())
                .containsExactlyInAnyOrder("BundleUpload ATTEMPT_SUCCEEDED", "WorkflowCreation ATTEMPT_FAILED");
    }
}
