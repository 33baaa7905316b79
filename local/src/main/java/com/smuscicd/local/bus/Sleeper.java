package com.smuscicd.local.bus;

import java.time.Duration;

/** Waits between webhook attempts; tests replace it so retries take no time. */
@FunctionalInterface
interface Sleeper {

    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
