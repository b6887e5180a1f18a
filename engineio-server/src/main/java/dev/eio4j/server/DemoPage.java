package dev.eio4j.server;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.netty.HttpFallback;
import dev.eio4j.spi.EngineRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The demo page of the runnable server: an echo playground at {@code /} and its files under
 * {@code /static/} (HTML, CSS, JS, and the engine.io-client browser bundles the build copies into
 * {@code static/vendor/}).
 *
 * <p>Every file under the class-path folder {@code static/} is read into memory once, when the page is
 * built, so {@link #handle} never does I/O on the event loop. A request is answered only when its path
 * names one of those files exactly: there is no file-system lookup, hence no directory traversal. Other
 * paths get null (404). {@code GET} and {@code HEAD} only (others: 405); every response carries an
 * {@code ETag} and {@code Cache-Control: no-cache}, so a browser revalidates and gets a 304 while the
 * file is unchanged.
 */
public final class DemoPage implements HttpFallback {
  /** The class-path folder that holds the page. */
  public static final String RESOURCE_ROOT = "static";

  /** The URL prefix of the page's files. */
  public static final String URL_PREFIX = "/static/";

  private static final String PATH_META = "<meta name=\"eio-path\" content=\"/engine.io\">";
  private static final String MODE_META = "<meta name=\"eio-mode\" content=\"echo\">";
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=UTF-8"),
          Map.entry("css", "text/css; charset=UTF-8"),
          Map.entry("js", "text/javascript; charset=UTF-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("txt", "text/plain; charset=UTF-8"));
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self' http: https: ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Map<String, Asset> assets; // by URL path

  private record Asset(byte[] body, String contentType, String etag) {}

  /** The page for a server with these options (the page connects to their Engine.IO path). */
  public DemoPage(EngineIoOptions options) {
    this(options, false);
  }

  /**
   * The page for a server with these options; {@code socketIo} tells the page that the server runs the
   * Socket.IO demo ({@code --socketio}): its chat panel is then live and its echo playground off.
   */
  public DemoPage(EngineIoOptions options, boolean socketIo) {
    this(options.path(), socketIo, DemoPage.class.getClassLoader());
  }

  DemoPage(String engineIoPath, ClassLoader loader) {
    this(engineIoPath, false, loader);
  }

  DemoPage(String engineIoPath, boolean socketIo, ClassLoader loader) {
    Map<String, byte[]> files = readTree(loader, RESOURCE_ROOT);
    byte[] index = files.get("index.html");
    if (index == null) {
      throw new IllegalStateException(
          "class-path resource " + RESOURCE_ROOT + "/index.html is missing");
    }
    String html = new String(index, StandardCharsets.UTF_8);
    if (!html.contains(PATH_META)) {
      throw new IllegalStateException(RESOURCE_ROOT + "/index.html lacks " + PATH_META);
    }
    html =
        html.replace(
            PATH_META,
            "<meta name=\"eio-path\" content=\"" + escapeAttribute(engineIoPath) + "\">");
    if (socketIo) {
      html = html.replace(MODE_META, "<meta name=\"eio-mode\" content=\"socketio\">");
    }
    Map<String, Asset> m = new TreeMap<>();
    files.forEach((name, body) -> m.put(URL_PREFIX + name, asset(name, body)));
    Asset page = asset("index.html", html.getBytes(StandardCharsets.UTF_8));
    m.put("/", page);
    m.put("/index.html", page);
    m.put(URL_PREFIX + "index.html", page);
    this.assets = Map.copyOf(m);
  }

  /** The URL paths served, sorted. */
  public Set<String> paths() {
    return new TreeSet<>(assets.keySet());
  }

  @Override
  public Response handle(EngineRequest request) {
    Asset a = assets.get(request.path());
    if (a == null) {
      return null;
    }
    String method = request.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return new Response(
          405,
          "text/plain; charset=UTF-8",
          "Method Not Allowed".getBytes(StandardCharsets.UTF_8),
          Map.of("Allow", "GET, HEAD"));
    }
    Map<String, String> headers = headers(a);
    if (matches(request.header("If-None-Match"), a.etag())) {
      return new Response(304, null, new byte[0], headers);
    }
    return new Response(200, a.contentType(), a.body(), headers);
  }

  private static Map<String, String> headers(Asset a) {
    if (a.contentType().startsWith("text/html")) {
      return Map.of(
          "ETag", a.etag(),
          "Cache-Control", "no-cache",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer",
          "Content-Security-Policy", CSP);
    }
    return Map.of(
        "ETag", a.etag(), "Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static Asset asset(String name, byte[] body) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    String type = TYPES.getOrDefault(ext, "application/octet-stream");
    return new Asset(body, type, etag(body));
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String escapeAttribute(String s) {
    return s.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }

  /** Every file under the class-path folder {@code root}, by path relative to it ('/'-separated). */
  static Map<String, byte[]> readTree(ClassLoader loader, String root) {
    URL url = loader.getResource(root + "/index.html");
    if (url == null) {
      throw new IllegalStateException("class-path resource " + root + "/index.html is missing");
    }
    Map<String, byte[]> out = new TreeMap<>();
    try {
      switch (url.getProtocol()) {
        case "file" -> {
          Path dir = Path.of(url.toURI()).getParent();
          try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
              out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
          }
        }
        case "jar" -> {
          JarURLConnection c = (JarURLConnection) url.openConnection();
          c.setUseCaches(false);
          try (JarFile jar = c.getJarFile()) {
            String prefix = root + "/";
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
              JarEntry entry = e.nextElement();
              if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                try (InputStream in = jar.getInputStream(entry)) {
                  out.put(entry.getName().substring(prefix.length()), in.readAllBytes());
                }
              }
            }
          }
        }
        default -> throw new IllegalStateException("cannot list class-path resources at " + url);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo page from " + url, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
