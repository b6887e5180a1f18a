package dev.eio4j.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.bench.server.ServerSupport;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void parsesTheFlags() {
    Config c =
        Config.parse(
            new String[] {
              "--scenario",
              "ws-echo",
              "--url",
              "http://127.0.0.2:4000",
              "--connections",
              "10_000",
              "--duration",
              "2.5",
              "--size",
              "4096",
              "--in-flight",
              "8",
              "--protocol",
              "3",
              "--sources",
              "4",
              "--procs",
              "2",
              "--json",
              "--raw"
            });
    assertThat(c.scenario).isEqualTo(Config.Scenario.WS_ECHO);
    assertThat(c.host).isEqualTo("127.0.0.2");
    assertThat(c.port).isEqualTo(4000);
    assertThat(c.connections).isEqualTo(10_000);
    assertThat(c.durationS).isEqualTo(2.5);
    assertThat(c.size).isEqualTo(4096);
    assertThat(c.inFlight).isEqualTo(8);
    assertThat(c.protocol).isEqualTo(3);
    assertThat(c.raw).isTrue();
    assertThat(c.json).isTrue();
    assertThat(c.wsPath()).isEqualTo("/ws");
    assertThat(c.httpPath()).isEqualTo("/echo");
    assertThat(c.shardStart(0)).isZero();
    assertThat(c.shardStart(1)).isEqualTo(5000);
    assertThat(c.shardStart(2)).isEqualTo(10_000);
    assertThat(c.warmup()).isEqualTo(0.625);
    assertThat(c.deadline()).isGreaterThan(c.durationS + 30);
    // a child gets the same flags back, without --shard
    Config child = Config.parse(c.originalArgs.toArray(new String[0]));
    assertThat(child.connections).isEqualTo(10_000);
    assertThat(child.raw).isTrue();
  }

  @Test
  void pollEchoImpliesPolling() {
    Config c = Config.parse(new String[] {"--scenario", "poll-echo"});
    assertThat(c.polling).isTrue();
    assertThat(c.httpPath()).isEqualTo("/engine.io/");
    assertThat(c.port).isEqualTo(3000);
  }

  @Test
  void refusesWhatItMustNotDo() {
    String[][] bad = {
      {"--connections", "5"},
      {"--scenario", "ws-echo", "--url", "http://10.0.0.1:3000"},
      {"--scenario", "ws-echo", "--url", "https://127.0.0.1:3000"},
      {"--scenario", "ws-echo", "--connections", "100001"},
      {"--scenario", "ws-echo", "--duration", "4000"},
      {"--scenario", "ws-echo", "--size", "8"},
      {"--scenario", "nope"},
      {"--scenario", "broadcast", "--procs", "2"},
      {"--scenario", "idle", "--transport", "polling"},
      {"--scenario", "idle", "--sources", "200", "--source-offset", "100"},
      {"--scenario", "idle", "--bogus", "1"},
      {"--scenario"},
    };
    for (String[] args : bad) {
      assertThatThrownBy(() -> Config.parse(args))
          .as(String.join(" ", args))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readsBroadcastTriggers() {
    assertThat(ServerSupport.trigger("broadcast:10:32"))
        .isEqualTo(new ServerSupport.Trigger(10, 32));
    assertThat(ServerSupport.trigger("broadcast:0:32")).isNull();
    assertThat(ServerSupport.trigger("broadcast:10")).isNull();
    assertThat(ServerSupport.trigger("broadcast:1:2000000")).isNull();
    assertThat(ServerSupport.trigger("broadcast:a:1")).isNull();
    assertThat(ServerSupport.trigger("hello")).isNull();
  }
}
