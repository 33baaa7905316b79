package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The invariants every deployment's events must satisfy, whatever happened. */
final class EventInvariants {

    private EventInvariants() {
    }

    static void check(List<DeploymentEvent> events) {
        assertThat(events).as("events").isNotEmpty();
        List<String> terminal = events.stream().map(DeploymentEvent::detailType)
                .filter(t -> t.equals("SMUS-CICD-Deploy-Completed") || t.equals("SMUS-CICD-Deploy-Failed")).toList();
        assertThat(terminal).as("terminal deploy events").hasSize(1);
        assertThat(events.get(events.size() - 1).detailType()).as("last event").isEqualTo(terminal.get(0));
        assertThat(events.get(0).detailType()).isEqualTo("SMUS-CICD-Deploy-Started");
        assertThat(events.stream().map(e -> e.detail().deploymentId()).distinct()).as("deploymentIds").hasSize(1);

        Set<String> keys = new HashSet<>();
        for (DeploymentEvent event : events) {
            assertThat(keys.add(event.detailType())).as("duplicate " + event.detailType()).isTrue();
            assertThat(EventContract.validateDetail(Json.tree(event.detail()))).as(event.detailType()).isEmpty();
        }
        List<Integer> sequences = events.stream().map(e -> e.detail().sequence()).toList();
        for (int i = 1; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).as("sequence increases").isEqualTo(sequences.get(i - 1) + 1);
        }
        Set<String> started = events.stream().map(DeploymentEvent::detailType).filter(t -> t.endsWith("-Started"))
                .map(t -> t.substring(0, t.length() - "-Started".length())).collect(Collectors.toSet());
        for (String stage : started) {
            long ends = events.stream().map(DeploymentEvent::detailType)
                    .filter(t -> t.equals(stage + "-Completed") || t.equals(stage + "-Failed")).count();
            assertThat(ends).as(stage + " ended once").isEqualTo(1);
        }
    }
}
