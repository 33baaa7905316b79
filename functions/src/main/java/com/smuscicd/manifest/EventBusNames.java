package com.smuscicd.manifest;

import java.util.regex.Pattern;

/**
 * What EventBridge accepts as {@code EventBusName} on PutEvents: a bus name, or the ARN of an
 * event bus (needed for a bus in another account). Kept in step with the {@code eventBusName}
 * pattern of the manifest schema; a test checks both agree.
 */
final class EventBusNames {

    static final int MAX_NAME_LENGTH = 256;
    private static final Pattern NAME_CHAR = Pattern.compile("[/._A-Za-z0-9-]");
    private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final String ARN_FORMAT = "arn:<partition>:events:<region>:<12-digit account>:event-bus/<name>";

    private EventBusNames() {
    }

    /** @throws IllegalArgumentException saying what is wrong with the name or ARN */
    static void validate(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            throw new IllegalArgumentException("an event bus name must not be empty");
        }
        if (!nameOrArn.startsWith("arn:")) {
            validateName(nameOrArn, "event bus name " + FieldPath.quote(shorten(nameOrArn)));
            return;
        }
        String arn = "event bus ARN " + FieldPath.quote(shorten(nameOrArn));
        String[] parts = nameOrArn.split(":", 6);
        if (parts.length < 6) {
            throw new IllegalArgumentException(arn + " does not have the form " + ARN_FORMAT);
        }
        if (!PARTITION.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException(arn + " has the partition " + FieldPath.quote(parts[1])
                    + "; expected aws, aws-cn, aws-us-gov or another aws-... partition");
        }
        if (!parts[2].equals("events")) {
            throw new IllegalArgumentException(arn + " is not an EventBridge ARN (service "
                    + FieldPath.quote(parts[2]) + "); expected " + ARN_FORMAT);
        }
        if (!REGION.matcher(parts[3]).matches()) {
            throw new IllegalArgumentException(arn + " has the region " + FieldPath.quote(parts[3])
                    + "; expected a Region code such as us-east-1");
        }
        if (!ACCOUNT.matcher(parts[4]).matches()) {
            throw new IllegalArgumentException(arn + " has the account " + FieldPath.quote(parts[4])
                    + "; expected 12 digits");
        }
        if (!parts[5].startsWith("event-bus/")) {
            throw new IllegalArgumentException(arn + " is not an event bus ARN (resource "
                    + FieldPath.quote(parts[5]) + "); expected event-bus/<name>");
        }
        validateName(parts[5].substring("event-bus/".length()), arn + ": the bus name");
    }

    private static void validateName(String name, String subject) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(subject + " is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(subject + " is " + name.length() + " characters long; the limit is "
                    + MAX_NAME_LENGTH);
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            String character = new String(Character.toChars(cp));
            if (!NAME_CHAR.matcher(character).matches()) {
                throw new IllegalArgumentException(subject + " contains " + describe(cp)
                        + "; use letters, digits, '.', '-', '_' or '/'");
            }
            i += Character.charCount(cp);
        }
    }

    private static String describe(int cp) {
        if (cp == ' ') {
            return "a space";
        }
        if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
            return String.format("the character U+%04X", cp);
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
