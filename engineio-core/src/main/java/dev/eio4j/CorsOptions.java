package dev.eio4j;

import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Cross-origin resource sharing, off unless configured (then it runs before everything else, errors
 * included, as the reference's {@code cors} middleware does). Build with {@link #builder()}.
 *
 * <ul>
 *   <li>{@link Builder#anyOrigin()}: {@code Access-Control-Allow-Origin: *}.
 *   <li>{@link Builder#fixedOrigin(String)}: that origin, whatever the request's (the browser enforces
 *       the match), plus {@code Vary: Origin}.
 *   <li>{@link Builder#allowOrigins(String...)} or {@link Builder#allowOrigin(Predicate)}: the request's
 *       origin is reflected when allowed and omitted otherwise, plus {@code Vary: Origin}.
 * </ul>
 *
 * Defaults: methods {@code GET,HEAD,PUT,PATCH,POST,DELETE}; allowed headers: those the preflight asks
 * for; no credentials; no max-age; no exposed headers. A preflight ({@code OPTIONS}) is answered {@code
 * 204} with {@code Content-Length: 0}.
 */
public final class CorsOptions {
  private final boolean any;
  private final String fixed;
  private final Predicate<String> allowed;
  private final boolean credentials;
  private final String methods;
  private final String allowedHeaders;
  private final String exposedHeaders;
  private final Long maxAgeSeconds;

  private CorsOptions(Builder b) {
    this.any = b.any;
    this.fixed = b.fixed;
    this.allowed = b.allowed;
    this.credentials = b.credentials;
    this.methods = b.methods;
    this.allowedHeaders = b.allowedHeaders;
    this.exposedHeaders = b.exposedHeaders;
    this.maxAgeSeconds = b.maxAgeSeconds;
  }

  /** A new builder; one origin rule must be chosen. */
  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for {@code builder().anyOrigin().build()}: the reference's {@code {origin:"*"}}. */
  public static CorsOptions anyOrigin() {
    return builder().anyOrigin().build();
  }

  /** Shorthand for an allow-list of exact origins, reflected when they match. */
  public static CorsOptions allowOrigins(String... origins) {
    return builder().allowOrigins(origins).build();
  }

  /** Whether credentials are allowed. */
  public boolean credentials() {
    return credentials;
  }

  /** Adds the headers of a normal (non-preflight) response. */
  public void applyActual(EngineRequest request, Headers out) {
    List<String> vary = new ArrayList<>(2);
    origin(request, out, vary);
    if (credentials) {
      out.add("Access-Control-Allow-Credentials", "true");
    }
    if (exposedHeaders != null) {
      out.add("Access-Control-Expose-Headers", exposedHeaders);
    }
    if (!vary.isEmpty()) {
      out.add("Vary", String.join(", ", vary));
    }
  }

  /** Adds the headers of a preflight response. */
  public void applyPreflight(EngineRequest request, Headers out) {
    List<String> vary = new ArrayList<>(2);
    origin(request, out, vary);
    if (credentials) {
      out.add("Access-Control-Allow-Credentials", "true");
    }
    out.add("Access-Control-Allow-Methods", methods);
    String h = allowedHeaders;
    if (h == null) {
      vary.add("Access-Control-Request-Headers");
      h = request.header("Access-Control-Request-Headers");
    }
    if (h != null && !h.isEmpty()) {
      out.add("Access-Control-Allow-Headers", h);
    }
    if (maxAgeSeconds != null) {
      out.add("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
    }
    if (exposedHeaders != null) {
      out.add("Access-Control-Expose-Headers", exposedHeaders);
    }
    if (!vary.isEmpty()) {
      out.add("Vary", String.join(", ", vary));
    }
  }

  private void origin(EngineRequest request, Headers out, List<String> vary) {
    if (any) {
      out.add("Access-Control-Allow-Origin", "*");
    } else if (fixed != null) {
      out.add("Access-Control-Allow-Origin", fixed);
      vary.add("Origin");
    } else {
      String origin = request.header("Origin");
      if (origin != null && allowed.test(origin)) {
        out.add("Access-Control-Allow-Origin", origin);
      }
      vary.add("Origin");
    }
  }

  @Override
  public String toString() {
    return "CorsOptions{origin="
        + (any ? "*" : fixed != null ? fixed : "allow-list")
        + ", credentials="
        + credentials
        + ", methods="
        + methods
        + (maxAgeSeconds != null ? ", maxAge=" + maxAgeSeconds : "")
        + "}";
  }

  /** Builds {@link CorsOptions}. */
  public static final class Builder {
    private boolean any;
    private String fixed;
    private Predicate<String> allowed;
    private boolean credentials;
    private String methods = "GET,HEAD,PUT,PATCH,POST,DELETE";
    private String allowedHeaders;
    private String exposedHeaders;
    private Long maxAgeSeconds;

    private Builder() {}

    /** {@code Access-Control-Allow-Origin: *}. */
    public Builder anyOrigin() {
      any = true;
      fixed = null;
      allowed = null;
      return this;
    }

    /** Always send this origin. */
    public Builder fixedOrigin(String origin) {
      fixed = Objects.requireNonNull(origin, "origin");
      any = false;
      allowed = null;
      return this;
    }

    /** Reflect the request's origin when it is one of these (exact match; {@code *} means any). */
    public Builder allowOrigins(String... origins) {
      List<String> list = List.of(origins);
      if (list.contains("*")) {
        return anyOrigin();
      }
      return allowOrigin(list::contains);
    }

    /** Reflect the request's origin when the predicate accepts it. */
    public Builder allowOrigin(Predicate<String> predicate) {
      allowed = Objects.requireNonNull(predicate, "predicate");
      any = false;
      fixed = null;
      return this;
    }

    /** Send {@code Access-Control-Allow-Credentials: true}. Not allowed with {@link #anyOrigin()}. */
    public Builder credentials(boolean credentials) {
      this.credentials = credentials;
      return this;
    }

    /** The allowed methods (default {@code GET,HEAD,PUT,PATCH,POST,DELETE}). */
    public Builder methods(String... methods) {
      this.methods = String.join(",", methods);
      return this;
    }

    /** The allowed request headers (default: echo what the preflight asks for). */
    public Builder allowedHeaders(String... headers) {
      this.allowedHeaders = String.join(",", headers);
      return this;
    }

    /** {@code Access-Control-Expose-Headers}. */
    public Builder exposedHeaders(String... headers) {
      this.exposedHeaders = String.join(",", headers);
      return this;
    }

    /** {@code Access-Control-Max-Age} in seconds for preflights. */
    public Builder maxAgeSeconds(long seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("maxAge must be >= 0");
      }
      this.maxAgeSeconds = seconds;
      return this;
    }

    /** Validates and builds. */
    public CorsOptions build() {
      if (!any && fixed == null && allowed == null) {
        throw new IllegalStateException(
            "choose an origin rule: anyOrigin, fixedOrigin or allowOrigins");
      }
      if (any && credentials) {
        throw new IllegalStateException(
            "credentials cannot be combined with origin '*' (browsers refuse it)");
      }
      return new CorsOptions(this);
    }
  }
}
