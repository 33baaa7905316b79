package com.smuscicd.infra;

import java.util.Objects;

/**
 * Settings of {@link EventSchemaRegistry}.
 *
 * @param registryName name of the registry
 * @param schemaName name of the schema, {@code <source>@<name>} as EventBridge names discovered schemas
 * @param content the JSON Schema (draft 4) of a full event
 */
public record EventSchemaRegistryProps(String registryName, String schemaName, String content) {

    public EventSchemaRegistryProps {
        Objects.requireNonNull(registryName, "registryName");
        Objects.requireNonNull(schemaName, "schemaName");
        Objects.requireNonNull(content, "content");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventSchemaRegistryProps}. */
    public static final class Builder {
        private String registryName = "smus-cicd";
        private String schemaName = Permissions.EVENT_SOURCE + "@SmusCicdDeploymentEvent";
        private String content;

        private Builder() {
        }

        public Builder registryName(String value) {
            this.registryName = value;
            return this;
        }

        public Builder schemaName(String value) {
            this.schemaName = value;
            return this;
        }

        public Builder content(String value) {
            this.content = value;
            return this;
        }

        public EventSchemaRegistryProps build() {
            return new EventSchemaRegistryProps(registryName, schemaName, content);
        }
    }
}
