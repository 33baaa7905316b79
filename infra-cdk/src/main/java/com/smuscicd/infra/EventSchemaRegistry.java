package com.smuscicd.infra;

import software.amazon.awscdk.services.eventschemas.CfnRegistry;
import software.amazon.awscdk.services.eventschemas.CfnSchema;
import software.constructs.Construct;

/**
 * The event contract in the EventBridge Schema Registry, so consumers can browse it and generate
 * code bindings for it like for any AWS event.
 */
public final class EventSchemaRegistry extends Construct {

    /** EventBridge's type for JSON Schema; it accepts draft 4 documents. */
    public static final String SCHEMA_TYPE = "JSONSchemaDraft4";

    private final CfnRegistry registry;
    private final CfnSchema schema;

    public EventSchemaRegistry(Construct scope, String id, EventSchemaRegistryProps props) {
        super(scope, id);
        this.registry = CfnRegistry.Builder.create(this, "Registry")
                .registryName(props.registryName())
                .description("Events emitted by SMUS CI/CD deployments (source " + Permissions.EVENT_SOURCE + ")")
                .build();
        this.schema = CfnSchema.Builder.create(this, "Schema")
                .registryName(registry.getAttrRegistryName())
                .schemaName(props.schemaName())
                .type(SCHEMA_TYPE)
                .description("Every SMUS-CICD-* detail-type; detail.stage and detail.status tell them apart")
                .content(props.content())
                .build();
    }

    public CfnRegistry registry() {
        return registry;
    }

    public CfnSchema schema() {
        return schema;
    }
}
