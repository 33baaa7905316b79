package com.smuscicd.lambda;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The handlers' serialization: the project's own Jackson configuration ({@link Json}) on the raw
 * streams, instead of the Lambda runtime's built-in serializer, which ignores Jackson settings.
 * An exception thrown by the task propagates unchanged, so its class name stays the Step Functions
 * error name.
 */
final class LambdaJson {

    private static final ObjectWriter WRITER = Json.mapper().writer()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private LambdaJson() {
    }

    static void invoke(TaskFunction task, InputStream input, OutputStream output) throws IOException {
        JsonNode request = Json.mapper().readTree(input);
        WRITER.writeValue(output, task.invoke(request));
    }
}
