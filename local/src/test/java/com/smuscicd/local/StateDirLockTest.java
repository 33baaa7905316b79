package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per state directory; a second waits, boundedly, and says so. */
class StateDirLockTest {

    @TempDir
    Path stateDir;

    @Test
    void acquire_whenAnotherRunHoldsItPastTheWait_failsNamingTheDirectory() {
        List<String> notes = new ArrayList<>();
        try (StateDirLock held = StateDirLock.acquire(stateDir, Duration.ZERO, notes::add)) {
            assertThatThrownBy(() -> StateDirLock.acquire(stateDir, Duration.ofMillis(300), notes::add))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("another smus-cli is still using " + stateDir
                            + " after 0 s; wait for it to finish, or pass another --state-dir");
        }
        assertThat(notes).containsExactly("waiting for another smus-cli using " + stateDir);
    }

    @Test
    void acquire_whenTheHolderReleasesIt_takesIt() {
        StateDirLock first = StateDirLock.acquire(stateDir, Duration.ZERO, note -> { });
        first.close();

        try (StateDirLock second = StateDirLock.acquire(stateDir, Duration.ZERO, note -> { })) {
            assertThat(stateDir.resolve(StateDirLock.FILE_NAME)).exists();
        }
    }
}
