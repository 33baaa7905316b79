package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataCredentialStrippingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://user:token@github.com/o/r.git              | https://github.com/o/r.git
            https://ghp_onlyAToken@github.com/o/r              | https://github.com/o/r
            https://x-access-token:ghs_a1b2@github.com/o/r.git | https://github.com/o/r.git
            http://user:p@ss@git.example.com:8443/o/r          | http://git.example.com:8443/o/r
            https://user:pa/ss@git.example.com/o/r             | https://git.example.com/o/r
            https://org@dev.azure.com/org/project/_git/repo    | https://dev.azure.com/org/project/_git/repo
            ssh://git:secret@github.com/o/r.git                | ssh://git@github.com/o/r.git
            ssh://git@github.com/o/r.git                       | ssh://git@github.com/o/r.git
            git@github.com:o/r.git                             | git@github.com:o/r.git
            git:secret@github.com:o/r.git                      | git@github.com:o/r.git
            https://github.com/o/r                             | https://github.com/o/r
            https://registry.example.com/pkg@1.0               | https://registry.example.com/pkg@1.0
            http://[::1]:8080/o/r                              | http://[::1]:8080/o/r
            /srv/git/repo.git                                  | /srv/git/repo.git
            https://gitlab.com/o/r/-/pipelines/9?token=pSECRET | https://gitlab.com/o/r/-/pipelines/9
            https://ci.example.com/run/9?PRIVATE_TOKEN=a&page=2&Access_Token=b | https://ci.example.com/run/9?page=2
            https://ci.example.com/run/9?api_key=a&auth=b&password=c&secret=d&sig=e | https://ci.example.com/run/9
            https://b.s3.amazonaws.com/log?X-Amz-Credential=a&X-Amz-Signature=b&x-amz-security-token=c&v=1 | https://b.s3.amazonaws.com/log?v=1
            https://ci.example.com/run/9?page=2#access_token=f | https://ci.example.com/run/9?page=2
            https://ci.example.com/run/9#L12                   | https://ci.example.com/run/9
            https://u:p@ci.example.com/run/9?token=t           | https://ci.example.com/run/9
            """)
    void stripCredentials_removesSecretsAndKeepsTheRest(String url, String expected) {
        assertThat(RemoteUrls.stripCredentials(url)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://gitlab.com/o/r?private_token=qSECRET        | https://gitlab.com/o/r
            https://user:tok@github.com/o/r.git?ref=main#readme | https://github.com/o/r.git
            https://github.com/o/r#frag                         | https://github.com/o/r
            git@github.com:o/r.git                              | git@github.com:o/r.git
            /srv/git/repo.git                                   | /srv/git/repo.git
            """)
    void repositoryUrl_dropsQueryAndFragment(String url, String expected) {
        assertThat(RemoteUrls.repositoryUrl(url)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "None", "null", "NULL"})
    void stripCredentials_whenNoValue_givesNull(String url) {
        assertThat(RemoteUrls.stripCredentials(url)).isNull();
    }
}
