package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Config files read as git reads them; the fixtures are in {@code gitconfig/} next to this class. */
class GitConfigFileTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plain", "legacy-and-case", "other-subsection-case", "quotes-and-comments",
            "continuation-and-escapes", "inner-spaces", "multiple-values", "valueless", "quoted-subsection-escapes",
            "no-remote", "crlf-bom", "vertical-tab-in-value"})
    void last_givesTheOriginUrlGitConfigGives(String fixture) throws Exception {
        Path file = fixture(fixture);
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");

        Optional<GitConfigFile> parsed = GitConfigFile.parse(Files.readString(file, StandardCharsets.UTF_8));

        assertThat(parsed).isPresent();
        // git prints a key written without "=" as an empty line
        Optional<String> ours = parsed.get().last("remote", "origin", "url").map(e -> e.value() == null ? "" : e.value());
        assertThat(ours).isEqualTo(gitConfigGet(file, "remote.origin.url"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"include", "include-if", "unknown-escape", "unterminated-quote", "variable-after-header",
            "variable-before-section"})
    void parse_whenGitMightReadItOtherwise_givesNoAnswer(String fixture) throws Exception {
        assertThat(GitConfigFile.parse(Files.readString(fixture(fixture), StandardCharsets.UTF_8))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vertical-tab-line-start", "bare-key-comment"})
    void parse_whenGitRejectsTheFile_givesNoAnswer(String fixture) throws Exception {
        Path file = fixture(fixture);
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");
        Process process = new ProcessBuilder("git", "config", "--file", file.toString(), "--get", "remote.origin.url")
                .redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();

        assertThat(process.waitFor()).as("git's own verdict: bad config line").isEqualTo(128);
        assertThat(GitConfigFile.parse(Files.readString(file, StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void last_readsSectionsKeysQuotesAndCommentsLikeGit() throws Exception {
        GitConfigFile config = parse("quotes-and-comments");

        assertThat(config.last("remote", "origin", "url")).map(GitConfigFile.Entry::value)
                .hasValue("https://host.example/a b;c#d.git");
        assertThat(config.last("remote", "origin", "pushurl")).map(GitConfigFile.Entry::value)
                .hasValue("https://host.example/push.git");
    }

    @Test
    void last_whenSetSeveralTimes_givesTheLastSetting() throws Exception {
        assertThat(parse("multiple-values").last("remote", "origin", "url")).map(GitConfigFile.Entry::value)
                .hasValue("https://deploy:ghp_T0ken@host.example/last.git");
    }

    @Test
    void last_deprecatedSubsectionSyntax_isLowerCasedAndCaseInsensitive() throws Exception {
        GitConfigFile config = parse("legacy-and-case");

        assertThat(config.entries()).extracting(GitConfigFile.Entry::subsection).containsExactly("origin", "origin");
        assertThat(config.last("remote", "origin", "url")).map(GitConfigFile.Entry::value)
                .hasValue("https://github.com/example-org/legacy.git");
    }

    @Test
    void last_quotedSubsection_isCaseSensitive() throws Exception {
        GitConfigFile config = parse("other-subsection-case");

        assertThat(config.last("remote", "origin", "url")).isEmpty();
        assertThat(config.last("remote", "Origin", "url")).isPresent();
    }

    @Test
    void last_keyWithoutValue_hasNullValue() throws Exception {
        assertThat(parse("valueless").last("remote", "origin", "url")).hasValueSatisfying(
                entry -> assertThat(entry.value()).isNull());
    }

    @Test
    void parse_continuationLinesAndEscapes_likeGit() throws Exception {
        GitConfigFile config = parse("continuation-and-escapes");

        assertThat(config.last("remote", "origin", "url")).map(GitConfigFile.Entry::value)
                .hasValue("https://host.example/   deep/repo.git");
        assertThat(config.last("remote", "origin", "note")).map(GitConfigFile.Entry::value)
                .hasValue("tab\there and \"quoted\" \\ backslash");
    }

    private static GitConfigFile parse(String fixture) throws Exception {
        return GitConfigFile.parse(Files.readString(fixture(fixture), StandardCharsets.UTF_8)).orElseThrow();
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(GitConfigFileTest.class.getResource("gitconfig/" + name + ".gitconfig").toURI());
    }

    /** {@code git config --file <file> --get <key>}: the value, or empty when git finds none. */
    private static Optional<String> gitConfigGet(Path file, String key) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("git", "config", "--file", file.toString(), "--get", key)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertThat(exit).as("git config exit code").isIn(0, 1);
        return exit == 0 ? Optional.of(out.endsWith("\n") ? out.substring(0, out.length() - 1) : out) : Optional.empty();
    }
}
