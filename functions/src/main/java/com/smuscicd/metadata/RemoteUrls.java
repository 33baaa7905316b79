package com.smuscicd.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from URLs before they leave the machine. Parsed by hand rather than with
 * {@link java.net.URI}: tokens often hold characters that make {@code URI} reject the whole URL,
 * and a URL we cannot parse must still lose its secret.
 */
public final class RemoteUrls {

    // With these schemes the user name is an identity, not a secret (ssh://git@host/...): keep it.
    private static final Set<String> KEEP_USER_SCHEMES = Set.of("ssh", "git+ssh", "ssh+git");

    // scp-like syntax: [user[:password]@]host:path, with no scheme and no slash before the colon.
    private static final Pattern PORT = Pattern.compile("\\d*");

    private static final Pattern SCP_LIKE = Pattern.compile("^([^@/]+)@([^:/]+):(.*)$");

    // Query parameter names that carry a credential: matched as substrings of the lower-cased name,
    // so private_token, access_token, oauth_token, api_key, client_secret, X-Goog-Signature all match.
    // Over-matching only loses a harmless parameter; a missed one leaks a secret.
    private static final List<String> CREDENTIAL_NAME_PARTS = List.of(
            "token", "auth", "key", "passw", "pwd", "secret", "sig", "credential", "session", "jwt");

    private RemoteUrls() {
    }

    /** Without the fragment and the query parameters named like a credential; other parameters are kept. */
    private static String withoutCredentialParameters(String url) {
        int query = queryStart(url);
        String base = url.substring(0, query);
        if (query == url.length() || url.charAt(query) == '#') {
            return base;
        }
        int fragment = url.indexOf('#', query);
        String parameters = url.substring(query + 1, fragment < 0 ? url.length() : fragment);
        List<String> kept = new ArrayList<>();
        for (String parameter : parameters.split("&")) {
            String name = parameter.split("=", 2)[0];
            if (!parameter.isEmpty() && !credentialName(name)) {
                kept.add(parameter);
            }
        }
        return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
    }

    private static boolean credentialName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("x-amz-") || CREDENTIAL_NAME_PARTS.stream().anyMatch(lower::contains);
    }

    /** Where the query or, without one, the fragment starts after the authority; the length when neither. */
    private static int queryStart(String url) {
        int from = authorityEnd(url, url.indexOf("://") + 3);
        for (int i = from; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return url.length();
    }

    /**
     * The URL without credentials: {@code https://user:token@host/repo} becomes
     * {@code https://host/repo}; {@code ssh://git:secret@host/repo} and {@code git:secret@host:repo}
     * keep the user and lose the password. A URL with a scheme also loses its fragment and the
     * query parameters named like a credential ({@code token}, {@code private_token},
     * {@code X-Amz-Signature}, ...). Blank, "None" and "null" give null.
     */
    public static String stripCredentials(String url) {
        if (!MetadataCollector.present(url)) {
            return null;
        }
        String value = withoutUserInfo(url.trim());
        return value.indexOf("://") > 0 ? withoutCredentialParameters(value) : value;
    }

    /**
     * A repository URL fit for an event: {@link #stripCredentials(String)}, then without any query,
     * which never names a repository but may carry a token ({@code ?private_token=...}).
     */
    public static String repositoryUrl(String url) {
        String stripped = stripCredentials(url);
        if (stripped == null || stripped.indexOf("://") <= 0) {
            return stripped;
        }
        return stripped.substring(0, queryStart(stripped));
    }

    private static String withoutUserInfo(String value) {
        int schemeEnd = value.indexOf("://");
        if (schemeEnd > 0) {
            String scheme = value.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            int authorityStart = schemeEnd + 3;
            int authorityEnd = authorityEnd(value, authorityStart);
            String authority = value.substring(authorityStart, authorityEnd);
            int userInfoEnd;
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                userInfoEnd = authorityStart + at;
            } else if (passwordWithSlash(authority)) {
                // "user:pa/ss@host": the '/' inside the password ended the authority too early.
                userInfoEnd = value.indexOf('@', authorityEnd);
                if (userInfoEnd < 0) {
                    return value;
                }
            } else {
                return value;
            }
            String userInfo = value.substring(authorityStart, userInfoEnd);
            String kept = KEEP_USER_SCHEMES.contains(scheme) ? userOnly(userInfo) + "@" : "";
            return value.substring(0, authorityStart) + kept + value.substring(userInfoEnd + 1);
        }
        Matcher scp = SCP_LIKE.matcher(value);
        if (scp.matches()) {
            return userOnly(scp.group(1)) + "@" + scp.group(2) + ":" + scp.group(3);
        }
        return value;
    }

    private static int authorityEnd(String value, int from) {
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return value.length();
    }

    /** An authority like {@code user:pa} that is no {@code host:port} and no IPv6 literal. */
    private static boolean passwordWithSlash(String authority) {
        int colon = authority.indexOf(':');
        return colon >= 0 && !authority.startsWith("[") && !PORT.matcher(authority.substring(colon + 1)).matches();
    }

    private static String userOnly(String userInfo) {
        int colon = userInfo.indexOf(':');
        return colon < 0 ? userInfo : userInfo.substring(0, colon);
    }
}
