package dev.eio4j.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class JsonTest {

  @Test
  void parsesWhatTheServersAndTheToolsWrite() {
    Map<String, Object> m =
        Json.parseObject(
            " {\"a\":1,\"b\":-2.5e3,\"c\":\"x\\\"y\\\\z\\n\\u00e9\",\"d\":[true,false,null,{}],\"e\":{\"f\":[]}} ");
    assertThat(m.get("a")).isEqualTo(1L);
    assertThat(m.get("b")).isEqualTo(-2500.0);
    assertThat(m.get("c")).isEqualTo("x\"y\\z\né");
    assertThat((List<Object>) m.get("d")).containsExactly(true, false, null, Map.of());
    assertThat(Json.num(m, "a", 0)).isEqualTo(1.0);
    assertThat(Json.num(m, "zz", 7)).isEqualTo(7.0);
    assertThat(m.keySet()).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void rejectsMalformedInput() {
    for (String bad :
        new String[] {
          "", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "{\"a\":tru}", "{} x", "\"\u0001\"", "01x"
        }) {
      assertThatThrownBy(() -> Json.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesAndReadsBack() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "tab\there \"q\" \u0002");
    m.put("i", 42);
    m.put("l", 1L << 40);
    m.put("d", 0.125);
    m.put("whole", 3.0);
    m.put("nan", Double.NaN);
    m.put("list", List.of(1, "two"));
    m.put("nested", Map.of("k", true));
    String text = Json.write(m);
    assertThat(text).contains("\"whole\":3,").contains("\"nan\":null");
    Map<String, Object> back = Json.parseObject(text);
    assertThat(back.get("s")).isEqualTo(m.get("s"));
    assertThat(back.get("l")).isEqualTo(1L << 40);
    assertThat(back.get("d")).isEqualTo(0.125);
    assertThat((List<Object>) back.get("list")).containsExactly(1L, "two");
  }
}
