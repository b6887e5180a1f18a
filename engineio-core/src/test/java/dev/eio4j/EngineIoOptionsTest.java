package dev.eio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.internal.SidGenerator;
import dev.eio4j.protocol.TransportType;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The documented defaults (the Javadoc table of {@link EngineIoOptions}, the "Default …" sentences of
 * the builder setters, the {@code DEFAULT_*} constants and the options table of docs/configuration.md)
 * are the real ones, so the Node reference's doc/code drift ({@code maxHttpBufferSize} documented as
 * 1e5, really 1e6) cannot happen here. Plus builder validation.
 */
class EngineIoOptionsTest {
  private static final Path SOURCE = Path.of("src/main/java/dev/eio4j/EngineIoOptions.java");
  private static final Path CONFIGURATION_DOC = Path.of("../docs/configuration.md");
  private static final Pattern ROW = Pattern.compile("<tr><td>([^<]+)</td><td>([^<]+)</td></tr>");
  private static final Pattern SETTER_DOC =
      Pattern.compile("/\\*\\*((?:(?!\\*/).)*?)\\*/\\s*public B (\\w+)\\(", Pattern.DOTALL);

  private final EngineIoOptions d = EngineIoOptions.defaults();

  // ------------------------------------------------------------------ the real defaults

  @Test
  void defaultsMatchTheReferenceServerExceptAllowEio3() {
    assertThat(d.pingInterval()).isEqualTo(Duration.ofSeconds(25));
    assertThat(d.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.upgradeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxHttpBufferSize()).isEqualTo(1_000_000L);
    assertThat(d.transports())
        .containsExactlyInAnyOrder(TransportType.POLLING, TransportType.WEBSOCKET);
    assertThat(d.allowUpgrades()).isTrue();
    assertThat(d.allowEIO3()).isTrue(); // deliberate difference: the reference defaults to false
    assertThat(d.initialPacket()).isNull();
    assertThat(d.path()).isEqualTo("/engine.io");
    assertThat(d.addTrailingSlash()).isTrue();
    assertThat(d.pathPrefix()).isEqualTo("/engine.io/");
    assertThat(d.cookie()).isNull();
    assertThat(d.cors()).isNull();
    assertThat(d.allowRequest()).isNull();
    assertThat(d.idGenerator()).isNull();
    assertThat(d.initialHeaders()).isNull();
    assertThat(d.headers()).isNull();
    assertThat(d.httpCompression()).isTrue();
    assertThat(d.compressionThreshold()).isEqualTo(1024);
    assertThat(d.perMessageDeflate()).isFalse();
    assertThat(d.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxBufferedBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(d.maxPacketsPerPayload()).isEqualTo(10_000);
    assertThat(d.overflowPolicy()).isEqualTo(OverflowPolicy.REJECT);
    assertThat(d.maxSessions()).isZero(); // unlimited
    assertThat(d.listenerExecutor()).isNull();
    assertThat(d.observer()).isNull();
  }

  @Test
  void constantsAreTheDefaults() {
    assertThat(d.pingInterval()).isEqualTo(EngineIoOptions.DEFAULT_PING_INTERVAL);
    assertThat(d.pingTimeout()).isEqualTo(EngineIoOptions.DEFAULT_PING_TIMEOUT);
    assertThat(d.upgradeTimeout()).isEqualTo(EngineIoOptions.DEFAULT_UPGRADE_TIMEOUT);
    assertThat(d.maxHttpBufferSize()).isEqualTo(EngineIoOptions.DEFAULT_MAX_HTTP_BUFFER_SIZE);
    assertThat(d.path()).isEqualTo(EngineIoOptions.DEFAULT_PATH);
    assertThat(d.compressionThreshold()).isEqualTo(EngineIoOptions.DEFAULT_COMPRESSION_THRESHOLD);
    assertThat(d.closeTimeout()).isEqualTo(EngineIoOptions.DEFAULT_CLOSE_TIMEOUT);
    assertThat(d.maxBufferedBytes()).isEqualTo(EngineIoOptions.DEFAULT_MAX_BUFFERED_BYTES);
    assertThat(d.maxPacketsPerPayload()).isEqualTo(EngineIoOptions.DEFAULT_MAX_PACKETS_PER_PAYLOAD);
  }

  @Test
  void theServerBuilderHasTheSameDefaults() {
    EngineIoOptions viaServer = EngineIoServer.builder().build().options();
    assertThat(viaServer.toString()).isEqualTo(d.toString());
    assertThat(EngineIoServer.create(d).options()).isSameAs(d);
  }

  @Test
  void theDefaultSidIs120RandomBitsIn20UrlSafeChars() {
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < 200; i++) {
      String sid = SidGenerator.next();
      assertThat(sid).matches("[A-Za-z0-9_-]{20}");
      assertThat(java.util.Base64.getUrlDecoder().decode(sid)).hasSize(15); // 120 bits
      seen.add(sid);
    }
    assertThat(seen).hasSize(200);
  }

  // ------------------------------------------------------------------ the documentation

  private static String source() throws IOException {
    return Files.readString(SOURCE, StandardCharsets.UTF_8);
  }

  /** The Javadoc table: option name(s) → documented default. */
  private static Map<String, String> documentedTable() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher m = ROW.matcher(source());
    while (m.find()) {
      for (String name : m.group(1).split("\\s*/\\s*")) {
        rows.put(name.trim(), m.group(2).trim());
      }
    }
    return rows;
  }

  /** How the table writes a real default value. */
  private String rendered(String option) {
    return switch (option) {
      case "pingInterval" -> seconds(d.pingInterval());
      case "pingTimeout" -> seconds(d.pingTimeout());
      case "upgradeTimeout" -> seconds(d.upgradeTimeout());
      case "closeTimeout" -> seconds(d.closeTimeout());
      case "maxHttpBufferSize" -> String.format(Locale.US, "%,d bytes", d.maxHttpBufferSize());
      case "transports" ->
          Arrays.stream(TransportType.values())
              .filter(d.transports()::contains)
              .map(TransportType::wireName)
              .collect(Collectors.joining(", "));
      case "allowUpgrades" -> String.valueOf(d.allowUpgrades());
      case "allowEIO3" -> String.valueOf(d.allowEIO3());
      case "addTrailingSlash" -> String.valueOf(d.addTrailingSlash());
      case "path" -> d.path();
      case "initialPacket" -> d.initialPacket() == null ? "none" : d.initialPacket();
      case "allowRequest" -> d.allowRequest() == null ? "none" : "set";
      case "initialHeaders" -> d.initialHeaders() == null ? "none" : "set";
      case "headers" -> d.headers() == null ? "none" : "set";
      case "listenerExecutor" -> d.listenerExecutor() == null ? "none" : "set";
      case "observer" -> d.observer() == null ? "none" : "set";
      case "cookie" -> d.cookie() == null ? "off" : "on";
      case "cors" -> d.cors() == null ? "off" : "on";
      case "perMessageDeflate" -> d.perMessageDeflate() ? "on" : "off";
      case "httpCompression" ->
          d.httpCompression() ? "on, threshold " + d.compressionThreshold() + " bytes" : "off";
      case "maxBufferedBytes" -> mebibytes(d.maxBufferedBytes());
      case "maxPacketsPerPayload" -> String.valueOf(d.maxPacketsPerPayload());
      case "overflowPolicy" -> d.overflowPolicy().name();
      case "maxSessions" ->
          d.maxSessions() == 0 ? "0 (unlimited)" : String.valueOf(d.maxSessions());
      case "nodeId" -> d.nodeId() == null ? "none" : d.nodeId();
      case "idGenerator" ->
          d.idGenerator() == null
              ? "120 random bits, 20 URL-safe chars"
              : "custom"; // checked above
      default -> throw new AssertionError("the table documents an unknown option: " + option);
    };
  }

  private static String seconds(Duration x) {
    return x.toMillis() % 1000 == 0 ? x.toMillis() / 1000 + " s" : x.toMillis() + " ms";
  }

  private static String mebibytes(long bytes) {
    return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }

  @Test
  void theJavadocTableStatesTheRealDefaults() throws IOException {
    Map<String, String> table = documentedTable();
    assertThat(table).isNotEmpty();
    for (Map.Entry<String, String> row : table.entrySet()) {
      assertThat(row.getValue())
          .as("documented default of %s", row.getKey())
          .startsWith(rendered(row.getKey()));
    }
  }

  @Test
  void everyOptionIsInTheJavadocTable() throws IOException {
    Set<String> documented = documentedTable().keySet();
    Set<String> getters = new TreeSet<>();
    for (Method m : EngineIoOptions.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())
          && !Modifier.isStatic(m.getModifiers())
          && m.getParameterCount() == 0
          && !Set.of("toString", "toBuilder", "hashCode", "pathPrefix", "compressionThreshold")
              .contains(m.getName())) {
        getters.add(m.getName());
      }
    }
    // pathPrefix is derived from path/addTrailingSlash; compressionThreshold is in the
    // httpCompression row
    assertThat(documented).containsExactlyInAnyOrderElementsOf(getters);
  }

  @Test
  void theConfigurationDocStatesTheRealDefaults() throws IOException {
    Map<String, String> table = configurationDocTable();
    for (Map.Entry<String, String> row : table.entrySet()) {
      assertThat(row.getValue())
          .as("docs/configuration.md: default of %s", row.getKey())
          .startsWith(docRendered(row.getKey()));
    }
    Set<String> options = new TreeSet<>(documentedTable().keySet());
    options.add("compressionThreshold");
    assertThat(table.keySet())
        .as("docs/configuration.md documents every option, and only options")
        .containsExactlyInAnyOrderElementsOf(options);
  }

  /** The options table of docs/configuration.md: option name(s) → documented default, Markdown stripped. */
  private static Map<String, String> configurationDocTable() throws IOException {
    String doc = Files.readString(CONFIGURATION_DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf("\n## Options\n");
    assertThat(start).as("docs/configuration.md has an Options section").isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : doc.substring(start, end < 0 ? doc.length() : end).split("\n")) {
      String[] cells = line.split("\\s*\\|\\s*");
      if (cells.length < 3 || !cells[1].startsWith("`")) {
        continue; // not a row, or the header and its rule
      }
      String[] names = cells[1].replace("`", "").split(" / ");
      String value = cells[2].replace("`", "").replace("**", "");
      String[] values = value.split(" / ");
      for (int i = 0; i < names.length; i++) {
        rows.put(names[i], values.length == names.length ? values[i] : value);
      }
    }
    assertThat(rows).isNotEmpty();
    return rows;
  }

  /** How docs/configuration.md writes a real default value. */
  private String docRendered(String option) {
    return switch (option) {
      case "httpCompression" -> d.httpCompression() ? "on" : "off";
      case "compressionThreshold" -> d.compressionThreshold() + " bytes";
      case "idGenerator" -> d.idGenerator() == null ? "120 random bits" : "custom";
      default -> rendered(option);
    };
  }

  @Test
  void theSetterJavadocStatesTheRealDefaults() throws IOException {
    Map<String, String> table = documentedTable();
    Matcher m = SETTER_DOC.matcher(source());
    int checked = 0;
    while (m.find()) {
      String doc = m.group(1).replaceAll("\\s*\\*\\s*", " ").replaceAll("\\{@code ([^}]*)}", "$1");
      String setter = m.group(2);
      Matcher def = Pattern.compile("Default (.+?)\\.(?:\\s|$)").matcher(doc);
      if (!def.find()) {
        continue;
      }
      String stated = def.group(1).trim().replace(" and ", ", ");
      if (setter.equals("compressionThreshold")) {
        assertThat(stated).isEqualTo(String.valueOf(d.compressionThreshold()));
      } else {
        assertThat(table).as("setter %s is in the table", setter).containsKey(setter);
        assertThat(table.get(setter))
            .as("setter %s says 'Default %s'", setter, stated)
            .startsWith(stated);
      }
      checked++;
    }
    assertThat(checked).as("setters with a 'Default …' sentence").isGreaterThanOrEqualTo(12);
  }

  // ------------------------------------------------------------------ builder

  @Test
  void toBuilderRoundTrips() {
    EngineObserver observer = new EngineObserver() {};
    EngineIoOptions custom =
        EngineIoOptions.builder()
            .observer(observer)
            .pingInterval(Duration.ofMillis(300))
            .pingTimeout(Duration.ofMillis(200))
            .maxHttpBufferSize(100)
            .transports(TransportType.POLLING)
            .allowEIO3(false)
            .initialPacket("hi")
            .path("/myapp")
            .addTrailingSlash(false)
            .cookie(CookieOptions.defaults())
            .cors(CorsOptions.anyOrigin())
            .closeTimeout(Duration.ofSeconds(1))
            .maxBufferedBytes(10)
            .overflowPolicy(OverflowPolicy.CLOSE)
            .maxSessions(7)
            .maxPacketsPerPayload(3)
            .build();
    assertThat(custom.toBuilder().build().toString()).isEqualTo(custom.toString());
    assertThat(custom.pathPrefix()).isEqualTo("/myapp");
    assertThat(custom.observer()).isSameAs(observer);
    assertThat(custom.toBuilder().build().observer()).isSameAs(observer);
    assertThat(EngineIoOptions.builder().options(custom).observer(null).build().observer())
        .isNull();
    assertThat(EngineIoOptions.builder().options(custom).build().maxBufferedBytes()).isEqualTo(10);
    assertThat(custom.toBuilder().build().overflowPolicy()).isEqualTo(OverflowPolicy.CLOSE);
    assertThat(custom.toBuilder().build().maxSessions()).isEqualTo(7);
    assertThat(custom.toBuilder().build().maxPacketsPerPayload()).isEqualTo(3);
    assertThat(custom.toString()).contains("maxPacketsPerPayload=3");
    assertThat(custom.toString()).contains("overflowPolicy=CLOSE", "maxSessions=7");
    assertThat(d.toString()).contains("overflowPolicy=REJECT", "maxSessions=unlimited");
    assertThat(custom.toString())
        .contains(
            "pingInterval=300ms",
            "maxHttpBufferSize=100",
            "allowEIO3=false",
            "path=/myapp",
            "cookie=io");
  }

  @Test
  void pathPrefixStripsTrailingSlashesThenAddsOne() {
    assertThat(EngineIoOptions.builder().path("/x/").build().pathPrefix()).isEqualTo("/x/");
    assertThat(EngineIoOptions.builder().path("/x//").addTrailingSlash(false).build().pathPrefix())
        .isEqualTo("/x");
  }

  @Test
  void durationsMustBePositiveAndBounded() {
    for (String name :
        new String[] {"pingInterval", "pingTimeout", "upgradeTimeout", "closeTimeout"}) {
      for (Duration bad :
          new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Duration.ofDays(25)}) {
        assertThatThrownBy(() -> setDuration(name, bad))
            .as("%s(%s)", name, bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(name + " must be between 1 ms and ~24 days");
      }
      assertThatThrownBy(() -> setDuration(name, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage(name);
    }
    assertThat(EngineIoOptions.builder().pingInterval(Duration.ofMillis(1)).build().pingInterval())
        .isEqualTo(Duration.ofMillis(1));
  }

  private static void setDuration(String name, Duration value) {
    EngineIoOptions.OptionsBuilder b = EngineIoOptions.builder();
    switch (name) {
      case "pingInterval" -> b.pingInterval(value);
      case "pingTimeout" -> b.pingTimeout(value);
      case "upgradeTimeout" -> b.upgradeTimeout(value);
      default -> b.closeTimeout(value);
    }
  }

  @Test
  void sizesMustBeInRange() {
    assertThatThrownBy(() -> EngineIoOptions.builder().maxHttpBufferSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHttpBufferSize must be in 1..");
    assertThatThrownBy(() -> EngineIoOptions.builder().maxHttpBufferSize(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHttpBufferSize");
    assertThatThrownBy(() -> EngineIoOptions.builder().maxBufferedBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBufferedBytes must be >= 1");
    assertThatThrownBy(() -> EngineIoOptions.builder().maxPacketsPerPayload(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPacketsPerPayload must be >= 1");
    assertThat(EngineIoOptions.builder().maxPacketsPerPayload(1).build().maxPacketsPerPayload())
        .isEqualTo(1);
    assertThatThrownBy(() -> EngineIoOptions.builder().maxSessions(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessions must be >= 0 (0: unlimited)");
    assertThatThrownBy(() -> EngineIoOptions.builder().overflowPolicy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("overflowPolicy");
    assertThatThrownBy(() -> EngineIoOptions.builder().compressionThreshold(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compressionThreshold must be >= 0");
    assertThat(
            EngineIoOptions.builder()
                .maxHttpBufferSize(1)
                .compressionThreshold(0)
                .build()
                .maxHttpBufferSize())
        .isEqualTo(1);
  }

  @Test
  void transportsMustBeGiven() {
    assertThatThrownBy(() -> EngineIoOptions.builder().transports())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one transport");
    assertThatThrownBy(() -> EngineIoOptions.builder().transports(TransportType.POLLING, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void pathMustBeAnAbsolutePathWithoutQueryOrControls() {
    for (String bad : new String[] {"engine.io", "", "/a?b", "/a#b", "/a b", "/a\nb", "/é"}) {
      assertThatThrownBy(() -> EngineIoOptions.builder().path(bad))
          .as("path %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("path must start with '/'");
    }
    assertThatThrownBy(() -> EngineIoOptions.builder().path(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void cookieOptionsAreValidated() {
    assertThat(CookieOptions.defaults().headerValue("abc"))
        .isEqualTo("io=abc; Path=/; HttpOnly; SameSite=Lax");
    assertThat(new CookieOptions("sid", null, false, "none", true).headerValue("x"))
        .isEqualTo("sid=x; Secure; SameSite=None");
    assertThatThrownBy(() -> CookieOptions.named("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cookie name must be a non-empty HTTP token");
    assertThatThrownBy(() -> CookieOptions.named("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CookieOptions("io", "/;x", true, null, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cookie path");
    assertThatThrownBy(() -> new CookieOptions("io", "/", true, "sometimes", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sameSite must be Strict, Lax or None");
  }

  @Test
  void corsOptionsAreValidated() {
    assertThatThrownBy(() -> CorsOptions.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("choose an origin rule");
    assertThatThrownBy(() -> CorsOptions.builder().anyOrigin().credentials(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("credentials cannot be combined with origin '*'");
    assertThatThrownBy(() -> CorsOptions.builder().maxAgeSeconds(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAge must be >= 0");
  }
}
