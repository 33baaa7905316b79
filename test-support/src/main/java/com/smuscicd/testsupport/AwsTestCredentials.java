package com.smuscicd.testsupport;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Fixed credentials for clients that talk to moto or an HTTP stub: never real ones, so a test
 * that is pointed at AWS by mistake fails to authenticate instead of touching an account.
 */
public final class AwsTestCredentials {

    /** The access key id and secret access key moto's documentation uses. */
    public static final String ACCESS_KEY_ID = "testing";
    public static final String SECRET_ACCESS_KEY = "testing";

    private static final AwsCredentialsProvider PROVIDER =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));

    private AwsTestCredentials() {
    }

    /** A provider of the static test credentials. */
    public static AwsCredentialsProvider provider() {
        return PROVIDER;
    }
}
