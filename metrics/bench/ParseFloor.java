import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The engine's share of a first run, alone: parses one newline-delimited JSON file with the
 * columns and casts {@code events query} uses (read from the CLI's own EventArchive, so the two
 * cannot drift apart) into an in-memory table. No file listing, no copy, no de-duplication.
 * floor.sh compiles it and runs it on the CLI jar's class path:
 *
 *   java -cp cli/target/smus-cli.jar:DIR ParseFloor FILE.ndjson
 *
 * Prints "parse_ms rows".
 */
public class ParseFloor {
    public static void main(String[] args) throws Exception {
        Class<?> archive = Class.forName("com.smuscicd.metrics.EventArchive");
        String columns = constant(archive, "READ_COLUMNS");
        String select = constant(archive, "SELECT_COLUMNS");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            // the settings EventArchive.open makes before it parses
            s.execute("SET TimeZone = 'UTC'");
            s.execute("SET preserve_insertion_order = false");
            long start = System.nanoTime();
            s.execute("CREATE TABLE raw_events AS SELECT " + select + " FROM read_ndjson('"
                    + args[0].replace("'", "''") + "', columns = " + columns + ", format = 'newline_delimited',"
                    + " ignore_errors = true, compression = 'uncompressed', hive_partitioning = false)");
            long ms = (System.nanoTime() - start) / 1_000_000;
            try (var rs = s.executeQuery("SELECT count(*) FROM raw_events")) {
                rs.next();
                System.out.println(ms + " " + rs.getLong(1));
            }
        }
    }

    private static String constant(Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return (String) field.get(null);
    }
}
