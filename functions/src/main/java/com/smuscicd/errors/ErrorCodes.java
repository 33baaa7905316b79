package com.smuscicd.errors;

import java.util.Locale;

/** Error codes (UPPER_SNAKE_CASE, as the event schema requires) made from error or exception names. */
public final class ErrorCodes {

    private ErrorCodes() {
    }

    /**
     * {@code ResourceNotFound} to {@code RESOURCE_NOT_FOUND}; anything not a letter or digit becomes
     * one underscore.
     *
     * @param fallback returned when nothing usable remains, or the result would not start with a letter
     */
    public static String upperSnake(String name, String fallback) {
        String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]+", "_")
                .toUpperCase(Locale.ROOT)
                .replaceAll("^_+|_+$", "");
        return snake.isEmpty() || !Character.isLetter(snake.charAt(0)) ? fallback : snake;
    }
}
