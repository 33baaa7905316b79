package com.smuscicd.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MotoLogsTimestampInterceptorTest {

    @Test
    void truncate_whenTimestampsAreFractional_dropsTheFractionOnly() {
        String moto = "{\"events\":[{\"logStreamName\":\"s\",\"timestamp\": 1795750425408.802,"
                + "\"message\":\"{\\\"timestamp\\\": 1.5}\",\"ingestionTime\":1795750425408.1,\"eventId\":\"0\"}]}";

        String fixed = MotoLogsTimestampInterceptor.truncate(moto);

        assertThat(fixed).isEqualTo("{\"events\":[{\"logStreamName\":\"s\",\"timestamp\": 1795750425408,"
                + "\"message\":\"{\\\"timestamp\\\": 1.5}\",\"ingestionTime\":1795750425408,\"eventId\":\"0\"}]}");
    }
}
