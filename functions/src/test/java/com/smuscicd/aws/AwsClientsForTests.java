package com.smuscicd.aws;

import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import software.amazon.awssdk.regions.Region;

/** {@link AwsClients} pointed at a moto server or a stub, for tests outside this package. */
public final class AwsClientsForTests {

    private AwsClientsForTests() {
    }

    /** Clients in us-east-1 against one endpoint (a stub), with test credentials. */
    public static AwsClients endpoint(java.net.URI endpoint) {
        return AwsClients.forEndpoint(endpoint, Region.US_EAST_1, AwsTestCredentials.provider());
    }

    public static AwsClients moto(MotoServerExtension moto) {
        return AwsClients.forEndpoint(moto.endpoint(), Region.of(moto.region()), AwsTestCredentials.provider());
    }
}
