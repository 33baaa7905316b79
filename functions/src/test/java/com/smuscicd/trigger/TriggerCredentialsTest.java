package com.smuscicd.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TriggerCredentialsTest {

    @ParameterizedTest
    @CsvSource({
            "https://user:tok/en@host/repo, tok/en",
            "https://user:p@ss@host/repo, p@ss",
            "user:secret@host:org/repo.git, secret",
            "https://x-access-token:ghs_abc@github.com/o/r.git, ghs_abc"})
    void withoutCredentials_whenTheSecretHasAwkwardCharacters_removesIt(String url, String secret) {
        assertThat(BundleTrigger.withoutCredentials(url)).isNotNull().doesNotContain(secret);
    }
}
