package com.smuscicd.metrics;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks, before DuckDB tries, that its JNI library can be found, so that a missing one gets a
 * message saying what to do instead of DuckDB's stack traces. DuckDB loads, in order: the
 * {@code libduckdb_java.so_<platform>} resource from its own jar (copied to a temporary file on
 * every run), {@code duckdb_java} from {@code java.library.path}, then the same
 * {@code libduckdb_java.so_<platform>} file from the directory of the jar holding its classes. The
 * smus-cli jar leaves the resource out and keeps the files next to itself (see cli/pom.xml), so a
 * copy of the jar alone cannot query.
 */
final class DuckDbLibrary {

    private DuckDbLibrary() {
    }

    /**
     * @throws ArchiveException when none of DuckDB's places holds its library for this platform
     */
    static void require() {
        Class<?> duckdb;
        try {
            duckdb = Class.forName("org.duckdb.DuckDBDriver", false, DuckDbLibrary.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ArchiveException("DuckDB's JDBC driver is not on the class path", e);
        }
        Optional<String> problem = problem(platformFile(System.getProperty("os.name"), System.getProperty("os.arch")),
                name -> duckdb.getResource("/" + name) != null, jarDirectory(duckdb),
                System.getProperty("java.library.path", ""));
        problem.ifPresent(message -> {
            throw new ArchiveException(message);
        });
    }

    /**
     * What is missing, if anything.
     *
     * @param platformFile DuckDB's file name for this platform; null on a platform it has no name for
     * @param inJar        whether a resource of that name is on the class path
     * @param jarDirectory the directory of the jar holding DuckDB's classes; null when unknown
     * @param libraryPath  {@code java.library.path}
     */
    static Optional<String> problem(String platformFile, Predicate<String> inJar, Path jarDirectory,
                                    String libraryPath) {
        if (platformFile == null || inJar.test(platformFile)) {
            // an unknown platform: let DuckDB say what it says
            return Optional.empty();
        }
        for (String dir : libraryPath.split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isRegularFile(Path.of(dir, System.mapLibraryName("duckdb_java")))) {
                return Optional.empty();
            }
        }
        if (jarDirectory != null && Files.isRegularFile(jarDirectory.resolve(platformFile))) {
            return Optional.empty();
        }
        return Optional.of("DuckDB's native library " + platformFile + " was not found next to the jar"
                + (jarDirectory == null ? "" : " (in " + jarDirectory + ")") + " nor on java.library.path."
                + " `mvn package` puts the libduckdb_java.so_* files next to cli/target/smus-cli.jar:"
                + " copy them along with the jar, or run bin/smus-cli.");
    }

    /** DuckDB's name for its library on this platform, or null for a platform it does not ship. */
    static String platformFile(String osName, String osArch) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT).trim();
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT).trim();
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "libduckdb_java.so_osx_universal";
        }
        String cpu = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        if (cpu == null) {
            return null;
        }
        if (os.startsWith("windows")) {
            return "libduckdb_java.so_windows_" + cpu;
        }
        return os.startsWith("linux") ? "libduckdb_java.so_linux_" + cpu : null;
    }

    private static Path jarDirectory(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI()).getParent();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
