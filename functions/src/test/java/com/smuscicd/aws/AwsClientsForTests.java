package com.smuscicd.aws;

import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import software.amazon.awssdk.regions.Region;

/** {@link AwsClients} pointed at a moto server, for tests outside this package. */
public final class AwsClientsForTests {

    private AwsClientsForTests() {
    }

    public static AwsClients moto(MotoServerExtension moto) {
        return AwsClients.forEndpoint(moto.endpoint(), Region.of(moto.region()), AwsTestCredentials.provider());
    }
}
