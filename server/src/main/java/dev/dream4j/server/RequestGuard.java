package dev.dream4j.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The first handler of every request: protects a server on a developer's machine from web pages.
 * <ul>
 *     <li>A {@code POST} must declare {@code Content-Type: application/json}; anything else is {@code 415}. Browsers
 *     send {@code text/plain} form posts cross-origin without asking, but a JSON post needs a CORS preflight, which
 *     this server never grants.</li>
 *     <li>The {@code Host} header must name this server: an IP literal, {@code localhost}, the bound host or a name on
 *     the allow-list; otherwise {@code 403}. A DNS-rebinding page reaches a loopback server under its own domain
 *     name, which fails this check.</li>
 *     <li>An {@code Origin} header, when present, must pass the same check ({@code 403} otherwise), so a page from
 *     another site cannot drive the server even through a browser that skips preflights.</li>
 * </ul>
 * The allow-list ({@code serve --allow-host NAME}) adds host names users reach the server by; {@code *} turns the
 * Host and Origin checks off (for a server behind a proxy that checks them).
 */
public final class RequestGuard implements Handler<RoutingContext> {
    private final String boundHost;
    private final Set<String> allowed;
    private final boolean anyHost;

    private RequestGuard(String boundHost, List<String> allowList) {
        this.boundHost = normalize(boundHost);
        this.allowed = allowList.stream().map(RequestGuard::normalize).collect(Collectors.toUnmodifiableSet());
        this.anyHost = allowList.contains("*");
    }

    /** The guard of a server bound to {@code host}, admitting {@code allowList}'s host names as well. */
    public static RequestGuard of(String host, List<String> allowList) {
        return new RequestGuard(host, List.copyOf(allowList));
    }

    @Override
    public void handle(RoutingContext rc) {
        String problem = problem(rc.request().method(), host(rc.request()), rc.request().getHeader("Origin"),
                rc.request().getHeader("Content-Type"));
        if (problem == null) {
            rc.next();
            return;
        }
        int status = problem.startsWith("Content-Type") ? 415 : 403;
        Dream4jServer.sendError(rc, new ApiException(status, "invalid_request_error", null,
                status == 415 ? "unsupported_media_type" : "forbidden", problem));
    }

    /**
     * The host a request names: its {@code Host} header, or over HTTP/2 (where clients send {@code :authority}
     * instead, and an h2c upgrade moves {@code Host} there) the request's authority.
     */
    static String host(HttpServerRequest request) {
        String host = request.getHeader("Host");
        if (host != null || request.version() != HttpVersion.HTTP_2 || request.authority() == null) {
            return host;
        }
        HostAndPort authority = request.authority();
        String name = authority.host().contains(":") && !authority.host().startsWith("[")
                ? "[" + authority.host() + "]" : authority.host();
        return authority.port() >= 0 ? name + ":" + authority.port() : name;
    }

    /** Why a request with these headers is refused, or null when it is admitted. */
    String problem(HttpMethod method, String host, String origin, String contentType) {
        if (method == HttpMethod.POST && !isJson(contentType)) {
            return "Content-Type must be application/json" + (contentType == null ? "" : ", got " + printable(contentType));
        }
        if (anyHost) {
            return null;
        }
        if (host == null || !admits(hostOf(host))) {
            return "Host " + (host == null ? "header is missing" : printable(host) + " is not this server")
                    + " (add it with serve --allow-host)";
        }
        if (origin != null) {
            String originHost;
            try {
                URI uri = new URI(origin);
                originHost = uri.getHost() == null ? null : uri.getHost();
            } catch (URISyntaxException e) {
                originHost = null;
            }
            if (originHost == null || !admits(normalize(originHost))) {
                return "Origin " + printable(origin) + " may not use this server (add its host with serve --allow-host)";
            }
        }
        return null;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }

    private boolean admits(String host) {
        return !host.isEmpty() && (host.equals("localhost") || host.equals(boundHost) || allowed.contains(host) || isIpLiteral(host));
    }

    /** The host part of a Host header ({@code name}, {@code name:port}, {@code [v6]:port}), lower-case. */
    static String hostOf(String header) {
        String h = header.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? "" : normalize(h.substring(0, end + 1));
        }
        int colon = h.indexOf(':');
        return normalize(colon < 0 ? h : h.substring(0, colon));
    }

    private static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1); // "localhost." is "localhost"
        }
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** An IPv4 dotted quad or an IPv6 literal: never the product of DNS, so never a rebinding. */
    private static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%');
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
