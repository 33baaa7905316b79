package com.smuscicd.aws;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link BundleStore} on Amazon S3.
 *
 * <ul>
 *   <li>Every upload carries its SHA-256 twice: as the S3 checksum ({@code x-amz-checksum-sha256},
 *       verified by S3 on receipt) and as the user metadata {@value #SHA256_METADATA}, which is what
 *       "unchanged" is decided on (a multipart object's S3 checksum is a checksum of part checksums,
 *       not comparable to the content's digest);</li>
 *   <li>reads can name a version ({@link #open(S3Location, String)}), so a deployment the upload
 *       trigger started reads the version its event is about, not a later upload to the same key;</li>
 *   <li>an object whose {@value #SHA256_METADATA} already matches is not uploaded again;</li>
 *   <li>content above {@link #MULTIPART_THRESHOLD} is uploaded in parts of {@link #PART_SIZE},
 *       and an upload that fails part-way is aborted so no orphaned parts are billed;</li>
 *   <li>errors: no such bucket {@code BUCKET_NOT_FOUND}, access denied {@code ACCESS_DENIED},
 *       missing object or version on read {@code BUNDLE_NOT_FOUND}; throttling, 5xx and I/O (also while a
 *       download is being read, and a download that ends short of its length) {@link RetryablePhaseException}.</li>
 * </ul>
 */
public final class S3BundleStore implements BundleStore {

    /** User metadata key holding the lower-case hex SHA-256 of the object's content. */
    public static final String SHA256_METADATA = "sha256";
    /** Objects larger than this are uploaded in parts. */
    public static final int MULTIPART_THRESHOLD = 8 * 1024 * 1024;
    /** Size of each part but the last (S3 requires at least 5 MiB). */
    public static final int PART_SIZE = 8 * 1024 * 1024;

    private static final int HTTP_FORBIDDEN = 403;
    private static final int HTTP_NOT_FOUND = 404;
    private static final String NO_SUCH_VERSION = "NoSuchVersion";

    private final Supplier<S3Client> client;
    private final int multipartThreshold;
    private final int partSize;

    S3BundleStore(Supplier<S3Client> client, int multipartThreshold, int partSize) {
        this.client = Objects.requireNonNull(client, "client");
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    /**
     * The S3 client: it follows a bucket's region (a project's bucket lives in its domain's region,
     * which may not be ours) instead of failing, so one client serves every target.
     */
    public static final AwsClients.Service<S3Client> CLIENT =
            AwsClients.service("s3", () -> S3Client.builder().crossRegionAccessEnabled(true));

    /** A store whose client is built on first use, from {@code clients}. */
    public static S3BundleStore create(AwsClients clients) {
        Objects.requireNonNull(clients, "clients");
        return lazy(() -> clients.client(CLIENT));
    }

    /** A store over the given client. */
    public static S3BundleStore create(S3Client client) {
        Objects.requireNonNull(client, "client");
        return new S3BundleStore(() -> client, MULTIPART_THRESHOLD, PART_SIZE);
    }

    /** A store whose client is built on first use (Lambda cold starts that never touch S3 skip it). */
    static S3BundleStore lazy(Supplier<S3Client> client) {
        return new S3BundleStore(client, MULTIPART_THRESHOLD, PART_SIZE);
    }

    /**
     * Opens one version of an object for reading ({@code s3:GetObjectVersion} when a version is
     * named, {@code s3:GetObject} otherwise); the caller closes the stream.
     *
     * @param versionId the version to read; null: the latest
     * @throws PhaseFailure {@code BUNDLE_NOT_FOUND} when the object, or that version of it, does not exist
     */
    @Override
    public InputStream open(S3Location location, String versionId) {
        String what = versionId == null ? location.toString() : location + " (version " + versionId + ")";
        try {
            ResponseInputStream<GetObjectResponse> object = client.get().getObject(b -> b.bucket(location.bucket())
                    .key(location.key()).versionId(versionId));
            return new TranslatingInputStream(object, object.response().contentLength(), location);
        } catch (NoSuchKeyException e) {
            throw new PhaseFailure("BUNDLE_NOT_FOUND", what + " does not exist", e);
        } catch (AwsServiceException e) {
            if (versionId != null && e.awsErrorDetails() != null
                    && NO_SUCH_VERSION.equals(e.awsErrorDetails().errorCode())) {
                // That version was deleted since the upload: as gone as a deleted key.
                throw new PhaseFailure("BUNDLE_NOT_FOUND", what + " does not exist", e);
            }
            throw AwsErrors.translate(e, "s3:GetObject " + what);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "s3:GetObject " + what);
        }
    }

    @Override
    public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
        return put(location, content, sha256Hex, Map.of());
    }

    /**
     * Stores {@code content} with extra user metadata unless an object with the same SHA-256 is
     * already there (its metadata is then left as it is).
     *
     * @param userMetadata user metadata ({@code x-amz-meta-*}) besides {@value #SHA256_METADATA}
     */
    public PutOutcome put(S3Location location, byte[] content, String sha256Hex, Map<String, String> userMetadata) {
        Objects.requireNonNull(content, "content");
        String sha = sha256Hex.toLowerCase(Locale.ROOT);
        if (alreadyStored(location, sha)) {
            return PutOutcome.UNCHANGED;
        }
        Map<String, String> metadata = new LinkedHashMap<>(userMetadata);
        metadata.put(SHA256_METADATA, sha);
        if (content.length > multipartThreshold) {
            putMultipart(location, content, metadata);
        } else {
            try {
                client.get().putObject(b -> b.bucket(location.bucket())
                                .key(location.key())
                                .metadata(metadata)
                                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                                .checksumSHA256(base64(HexFormat.of().parseHex(sha))),
                        RequestBody.fromBytes(content));
            } catch (SdkException e) {
                throw AwsErrors.translate(e, "s3:PutObject " + location);
            }
        }
        return PutOutcome.UPLOADED;
    }

    /**
     * The user metadata of an object (keys in lower case, without {@code x-amz-meta-}).
     *
     * @throws PhaseFailure {@code BUNDLE_NOT_FOUND} when the object does not exist
     */
    public Map<String, String> userMetadata(S3Location location) {
        return userMetadata(location, null);
    }

    /**
     * The user metadata of one version of an object (null: the latest).
     *
     * @throws PhaseFailure {@code BUNDLE_NOT_FOUND} when the object, or that version of it, does not exist
     */
    public Map<String, String> userMetadata(S3Location location, String versionId) {
        try {
            HeadObjectResponse head = client.get().headObject(b -> b.bucket(location.bucket()).key(location.key())
                    .versionId(versionId));
            Map<String, String> metadata = new LinkedHashMap<>();
            head.metadata().forEach((k, v) -> metadata.put(k.toLowerCase(Locale.ROOT), v));
            return metadata;
        } catch (NoSuchKeyException e) {
            throw new PhaseFailure("BUNDLE_NOT_FOUND", location + " does not exist", e);
        } catch (AwsServiceException e) {
            if (e.statusCode() == HTTP_NOT_FOUND) {
                // HEAD has no body: a missing bucket, or a deleted version, looks like a missing key.
                throw new PhaseFailure("BUNDLE_NOT_FOUND", location + (versionId == null ? "" : " (version "
                        + versionId + ")") + " does not exist", e);
            }
            throw AwsErrors.translate(e, "s3:HeadObject " + location);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "s3:HeadObject " + location);
        }
    }

    /** Whether the object exists with this content digest. */
    private boolean alreadyStored(S3Location location, String sha) {
        HeadObjectResponse head;
        try {
            head = client.get().headObject(b -> b.bucket(location.bucket()).key(location.key())
                    .checksumMode(ChecksumMode.ENABLED));
        } catch (NoSuchKeyException e) {
            return false;
        } catch (AwsServiceException e) {
            if (e.statusCode() == HTTP_NOT_FOUND || e.statusCode() == HTTP_FORBIDDEN) {
                // 404: nothing there (or no bucket: the PUT will say which). 403: a writer without
                // read access cannot tell, so it uploads and lets the PUT succeed or fail.
                return false;
            }
            throw AwsErrors.translate(e, "s3:HeadObject " + location);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "s3:HeadObject " + location);
        }
        String stored = head.metadata().get(SHA256_METADATA);
        if (stored != null) {
            return stored.equalsIgnoreCase(sha);
        }
        // Uploaded by someone else in one part with a SHA-256 checksum: that checksum is the content's digest.
        String checksum = head.checksumSHA256();
        return checksum != null && !checksum.contains("-")
                && checksum.equals(base64(HexFormat.of().parseHex(sha)));
    }

    private void putMultipart(S3Location location, byte[] content, Map<String, String> metadata) {
        S3Client s3 = client.get();
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(location.key())
                    .metadata(metadata).checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "s3:CreateMultipartUpload " + location);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (int offset = 0; offset < content.length; offset += partSize, partNumber++) {
                int length = Math.min(partSize, content.length - offset);
                byte[] part = new byte[length];
                System.arraycopy(content, offset, part, 0, length);
                String partChecksum = base64(sha256(part));
                int number = partNumber;
                UploadPartResponse uploaded = s3.uploadPart(b -> b.bucket(location.bucket()).key(location.key())
                                .uploadId(uploadId).partNumber(number)
                                .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(partChecksum),
                        RequestBody.fromBytes(part));
                parts.add(CompletedPart.builder().partNumber(number).eTag(uploaded.eTag())
                        .checksumSHA256(uploaded.checksumSHA256() != null ? uploaded.checksumSHA256() : partChecksum)
                        .build());
            }
            s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(location.key()).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            abortQuietly(s3, location, uploadId, e);
            if (e instanceof SdkException sdk) {
                throw AwsErrors.translate(sdk, "s3 multipart upload " + location);
            }
            throw e;
        }
    }

    private static void abortQuietly(S3Client s3, S3Location location, String uploadId, RuntimeException failure) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(location.key()).uploadId(uploadId));
        } catch (RuntimeException abort) {
            // The upload failed already; a lifecycle rule on the bucket reaps what cannot be aborted here.
            failure.addSuppressed(abort);
        }
    }

    static byte[] sha256(byte[] content) {
        return BundleArchive.newSha256().digest(content);
    }

    private static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * A download whose read failures are transient errors the state machine retries, instead of
     * I/O exceptions the bundle reader would report as a bad bundle. A body that ends short of its
     * {@code Content-Length} is one too: the URL-connection client reports a connection closed
     * early as a plain end of stream, which would otherwise read as a truncated (invalid) zip, or,
     * cut at the central directory, as a whole bundle with the wrong digest.
     */
    private static final class TranslatingInputStream extends FilterInputStream {

        private final Long expectedBytes;
        private final S3Location location;
        private long read;

        /** @param expectedBytes the object's {@code Content-Length}; null: not known, not checked */
        TranslatingInputStream(InputStream in, Long expectedBytes, S3Location location) {
            super(in);
            this.expectedBytes = expectedBytes;
            this.location = location;
        }

        @Override
        public int read() {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw failed(e);
            } catch (SdkException e) {
                throw failed(e);
            }
            counted(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw failed(e);
            } catch (SdkException e) {
                throw failed(e);
            }
            counted(n);
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped;
            try {
                skipped = super.skip(n);
            } catch (IOException e) {
                throw failed(e);
            } catch (SdkException e) {
                throw failed(e);
            }
            read += skipped;
            return skipped;
        }

        /** No mark and reset: bytes read again would be counted twice. */
        @Override
        public boolean markSupported() {
            return false;
        }

        /** Counts {@code n} bytes read; -1: the end of the stream, which must be the end of the object. */
        private void counted(long n) {
            if (n > 0) {
                read += n;
            } else if (n < 0 && expectedBytes != null && read < expectedBytes) {
                throw failed(new EOFException("the download ended after " + read + " of " + expectedBytes
                        + " bytes"));
            }
        }

        private RetryablePhaseException failed(Exception e) {
            return new RetryablePhaseException("NETWORK_ERROR", "reading " + location + " failed: " + e.getMessage(), e);
        }
    }
}
