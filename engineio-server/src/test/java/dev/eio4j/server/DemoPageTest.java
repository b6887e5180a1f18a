package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.netty.HttpFallback.Response;
import dev.eio4j.spi.EngineRequest;
import dev.eio4j.spi.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo page's routing, types, caching and refusals, without a socket. */
class DemoPageTest {
  private final DemoPage page = new DemoPage(EngineIoOptions.builder().path("/rt").build());

  private Response get(String target) {
    return page.handle(new EngineRequest("GET", target, new Headers(), null, false));
  }

  @Test
  void servesTheIndexAtTheRootWithTheEngineIoPathFilledIn() {
    Response r = get("/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/html; charset=UTF-8");
    String html = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(html)
        .contains("<meta name=\"eio-path\" content=\"/rt\">")
        .contains("/static/app.js");
    assertThat(r.headers())
        .containsEntry("Cache-Control", "no-cache")
        .containsKey("ETag")
        .containsKey("Content-Security-Policy");
    assertThat(get("/?connect=1").body()).isEqualTo(r.body());
    assertThat(get("/index.html").body()).isEqualTo(r.body());
  }

  @Test
  void servesTheFilesWithTheirTypes() {
    assertThat(get("/static/app.js").contentType()).isEqualTo("text/javascript; charset=UTF-8");
    assertThat(get("/static/app.css").contentType()).isEqualTo("text/css; charset=UTF-8");
    assertThat(get("/static/favicon.svg").contentType()).isEqualTo("image/svg+xml");
    assertThat(get("/static/vendor/versions.json").contentType()).isEqualTo("application/json");
    assertThat(get("/static/app.js").headers()).containsEntry("X-Content-Type-Options", "nosniff");
  }

  @Test
  void holdsTheEngineIoClientBundlesFetchedFromNpm() {
    Response v6 = get("/static/vendor/engine.io-v6.min.js");
    assertThat(v6.status()).isEqualTo(200);
    assertThat(new String(v6.body(), 0, 200, StandardCharsets.UTF_8)).contains("Engine.IO v6.6.8");
    Response v3 = get("/static/vendor/engine.io-v3.js");
    assertThat(v3.status()).isEqualTo(200);
    assertThat(new String(v3.body(), StandardCharsets.UTF_8)).contains("root[\"eio\"]");
    assertThat(new String(get("/static/vendor/versions.json").body(), StandardCharsets.UTF_8))
        .contains("\"v6\":\"6.6.8\"")
        .contains("\"v3\":\"3.5.6\"");
    assertThat(page.paths())
        .contains(
            "/static/vendor/engine.io-client-v6-LICENSE.txt",
            "/static/vendor/engine.io-client-v3-LICENSE.txt");
  }

  @Test
  void answersNothingElse() {
    for (String target :
        new String[] {
          "/nope", "/static/", "/static", "/static/../pom.xml", "/static/%2e%2e/logback.xml",
              "/static/..%2flogback.xml",
          "/static//app.js", "/static/app.js/", "/STATIC/app.js", "/logback.xml", "/static/vendor",
              "/dev/eio4j/server/Main.class"
        }) {
      assertThat(get(target)).as(target).isNull();
    }
  }

  @Test
  void revalidatesWithTheEtag() {
    String etag = get("/static/app.js").headers().get("ETag");
    Response r =
        page.handle(
            new EngineRequest(
                "GET", "/static/app.js", new Headers().add("If-None-Match", etag), null, false));
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers()).containsEntry("ETag", etag);
    Response stale =
        page.handle(
            new EngineRequest(
                "GET",
                "/static/app.js",
                new Headers().add("If-None-Match", "\"other\""),
                null,
                false));
    assertThat(stale.status()).isEqualTo(200);
  }

  @Test
  void refusesOtherMethods() {
    Response r = page.handle(new EngineRequest("POST", "/", new Headers(), null, false));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers()).containsEntry("Allow", "GET, HEAD");
    assertThat(page.handle(new EngineRequest("HEAD", "/", new Headers(), null, false)).status())
        .isEqualTo(200);
  }
}
