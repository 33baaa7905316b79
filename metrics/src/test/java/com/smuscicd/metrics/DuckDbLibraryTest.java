package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbLibraryTest {

    private static final String LINUX = "libduckdb_java.so_linux_amd64";

    @TempDir
    Path jarDir;

    @Test
    void platformFile_namesDuckDbsFileForEachPlatformItShips() {
        assertThat(DuckDbLibrary.platformFile("Linux", "amd64")).isEqualTo(LINUX);
        assertThat(DuckDbLibrary.platformFile("Linux", "x86_64")).isEqualTo(LINUX);
        assertThat(DuckDbLibrary.platformFile("Linux", "aarch64")).isEqualTo("libduckdb_java.so_linux_arm64");
        assertThat(DuckDbLibrary.platformFile("Mac OS X", "aarch64")).isEqualTo("libduckdb_java.so_osx_universal");
        assertThat(DuckDbLibrary.platformFile("Windows 11", "amd64")).isEqualTo("libduckdb_java.so_windows_amd64");
        assertThat(DuckDbLibrary.platformFile("Linux", "s390x")).isNull();
        assertThat(DuckDbLibrary.platformFile("FreeBSD", "amd64")).isNull();
    }

    @Test
    void problem_whenTheLibraryIsNowhere_namesTheFileTheDirectoryAndTheFix() {
        assertThat(DuckDbLibrary.problem(LINUX, name -> false, jarDir, "")).hasValueSatisfying(message ->
                assertThat(message).contains(LINUX, jarDir.toString(), "copy them along with the jar"));
    }

    @Test
    void problem_whenTheLibraryIsNextToTheJar_isNone() throws IOException {
        Files.writeString(jarDir.resolve(LINUX), "not really a library");

        assertThat(DuckDbLibrary.problem(LINUX, name -> false, jarDir, "")).isEmpty();
    }

    @Test
    void problem_whenTheLibraryIsInTheJar_isNone() {
        assertThat(DuckDbLibrary.problem(LINUX, LINUX::equals, jarDir, "")).isEmpty();
    }

    @Test
    void problem_whenTheLibraryIsOnTheLibraryPath_isNone(@TempDir Path libs) throws IOException {
        Files.writeString(libs.resolve(System.mapLibraryName("duckdb_java")), "not really a library");

        assertThat(DuckDbLibrary.problem(LINUX, name -> false, jarDir, "/nowhere" + java.io.File.pathSeparator + libs))
                .isEmpty();
    }

    @Test
    void problem_onAPlatformDuckDbHasNoNameFor_leavesItToDuckDb() {
        assertThat(DuckDbLibrary.problem(null, name -> false, jarDir, "")).isEmpty();
    }

    @Test
    void require_inThisBuild_findsTheLibraryInDuckDbsJar() {
        DuckDbLibrary.require();
    }
}
