package com.smuscicd.events;

import java.util.Arrays;
import java.util.List;

/**
 * The stages of a deployment as they appear in the event detail ({@code detail.stage}) and in the
 * detail-type. {@link #DEPLOY} is the deployment as a whole; the others are its phases, in order.
 */
public enum Stage {
    DEPLOY("deploy", null, 0),
    PROJECT_INITIALIZATION("project-init", "ProjectInitialization", 1),
    BUNDLE_UPLOAD("bundle-upload", "BundleUpload", 2),
    WORKFLOW_CREATION("workflow-creation", "WorkflowCreation", 3),
    CATALOG_ASSETS("catalog-assets", "CatalogAssets", 4);

    private final String value;
    private final String phaseName;
    private final int position;

    Stage(String value, String phaseName, int position) {
        this.value = value;
        this.phaseName = phaseName;
        this.position = position;
    }

    /** The value of {@code detail.stage}, e.g. {@code project-init}. */
    public String value() {
        return value;
    }

    /** The name used in detail-types and state names, e.g. {@code ProjectInitialization}; null for DEPLOY. */
    public String phaseName() {
        return phaseName;
    }

    /** 0 for the deployment, 1..4 for the phases in execution order. */
    public int position() {
        return position;
    }

    /** The four phases in execution order. */
    public static List<Stage> phases() {
        return List.of(PROJECT_INITIALIZATION, BUNDLE_UPLOAD, WORKFLOW_CREATION, CATALOG_ASSETS);
    }

    /** Looks a stage up by its detail value or its phase name. */
    public static Stage of(String valueOrPhaseName) {
        return Arrays.stream(values())
                .filter(s -> s.value.equals(valueOrPhaseName) || valueOrPhaseName.equals(s.phaseName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stage: " + valueOrPhaseName));
    }

    /** The phase whose state name is {@code stateName} (e.g. {@code BundleUpload}), if it is one. */
    public static java.util.Optional<Stage> phaseNamed(String stateName) {
        return phases().stream().filter(p -> p.phaseName().equals(stateName)).findFirst();
    }

    /** The camelCase key under which the state machine keeps this phase's output, e.g. {@code bundleUpload}. */
    public String outputKey() {
        if (phaseName == null) {
            return "deploy";
        }
        return Character.toLowerCase(phaseName.charAt(0)) + phaseName.substring(1);
    }

    /** The EventBridge detail-type for this stage and status, e.g. {@code SMUS-CICD-Deploy-BundleUpload-Failed}. */
    public String detailType(Status status) {
        String phase = phaseName == null ? "" : "-" + phaseName;
        return "SMUS-CICD-Deploy" + phase + "-" + status.title();
    }
}
