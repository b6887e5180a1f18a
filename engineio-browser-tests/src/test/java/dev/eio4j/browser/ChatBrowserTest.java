package dev.eio4j.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eio4j.EngineIoOptions;
import dev.eio4j.browser.Chromium.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo page's Socket.IO chat panel in headless Chromium, with the official socket.io-client 4.8.x
 * browser bundle, against the {@code --socketio} demo app: two pages in one room exchange messages over
 * WebSocket and over polling only, and one sees {@code peer-left} when the other closes. Without {@code
 * --socketio} the panel says Socket.IO is off; with it the echo playground says it is off. Every wait is
 * on an event in the page.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisabledIfEnvironmentVariable(
    named = Chromium.SKIP_VARIABLE,
    matches = "1",
    disabledReason = "EIO4J_SKIP_BROWSER=1")
class ChatBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static Chromium chromium;

  @BeforeAll
  static void launch() throws Exception {
    chromium =
        Chromium.launch(
            Path.of(System.getProperty("eio4j.browser.nodeDir", "node")),
            Path.of(System.getProperty("eio4j.browser.outputDir", "target")));
  }

  @AfterAll
  static void quit() {
    if (chromium != null) {
      chromium.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "polling"})
  void twoPagesChatInARoomAndPeerLeftIsShown(String transports) throws Exception {
    try (SocketIoChatServer server = new SocketIoChatServer();
        Page alice = open(server.origin() + "/")) {
      Page bob = open(server.origin() + "/");
      boolean bobOpen = true;
      try {
        String aliceId = connect(alice, "alice", transports);
        String bobId = connect(bob, "bob", transports);
        assertThat(join(alice, "lobby")).containsExactly("lobby");
        assertThat(join(bob, "lobby")).containsExactly("lobby");
        assertThat(join(bob, "annex")).containsExactly("annex", "lobby"); // sorted by the server
        assertThat(alice.text("#chat-rooms")).isEqualTo("lobby");

        alice.eval("() => window.chat.send('lobby', 'hi from alice, 你好')");
        Map<String, Object> got = waitMessage(bob, "hi from alice, 你好");
        assertThat(got).containsEntry("from", "alice").containsEntry("id", aliceId);
        waitMessage(alice, "hi from alice, 你好"); // self: true, the sender gets it too
        bob.eval("() => window.chat.send('lobby', 'hello alice')");
        assertThat(waitMessage(alice, "hello alice")).containsEntry("from", "bob");
        bob.eval("() => window.chat.send('annex', 'only bob is here')");
        waitMessage(bob, "only bob is here");
        // the page shows the messages
        alice.waitFor(
            "() => [...document.querySelectorAll('#chat-log li[data-kind=msg]')].some((li) => li.textContent === '#lobbybobhello alice')",
            WAIT);
        assertThat(messageTexts(alice)).containsExactly("hi from alice, 你好", "hello alice");

        for (Page p : List.of(alice, bob)) {
          assertThat(chatState(p).get("transport")).isEqualTo(transports);
        }
        assertThat(network(alice, "websocket")).isEqualTo(transports.equals("websocket"));

        bob.close(); // the tab goes away: its connection ends
        bobOpen = false;
        @SuppressWarnings("unchecked")
        Map<String, Object> left =
            (Map<String, Object>)
                alice.waitFor(
                    "() => window.chat.peerLefts().find((p) => p.id === '" + bobId + "')", WAIT);
        assertThat(left).containsEntry("name", "bob");
        // a closed WebSocket is "transport close"; a held long-poll GET cut off by the closing tab
        // is
        // "transport error", as on the Node server
        assertThat(left.get("reason"))
            .isIn(
                transports.equals("websocket")
                    ? List.of("transport close")
                    : List.of("transport error", "transport close"));
        alice.waitFor(
            "(r) => [...document.querySelectorAll('#chat-log li[data-kind=left]')].some((li) => li.textContent === 'bob left (' + r + ')')",
            left.get("reason"),
            WAIT);
        assertThat(leave(alice, "lobby")).isEmpty();
        assertNoPageErrors(alice);
      } finally {
        if (bobOpen) {
          bob.close();
        }
      }
    }
  }

  @Test
  void withoutSocketIoTheChatPanelSaysItIsOff() throws Exception {
    try (EchoServer server = EchoServer.start(EngineIoOptions.defaults());
        Page page = open(server.origin() + "/")) {
      assertThat(chatState(page)).containsEntry("mode", "echo").containsEntry("state", "off");
      assertThat(page.text("#chat-status")).contains("Socket.IO is off").contains("--socketio");
      assertThat(page.eval("() => document.getElementById('chat-connect').disabled"))
          .isEqualTo(true);
      assertThatThrownBy(() -> page.eval("() => window.chat.connect()"))
          .hasMessageContaining("Socket.IO is off");
      // the echo playground still works
      page.eval("() => window.demo.connect()");
      page.waitFor("() => window.demo.state().state === 'open'", WAIT);
      page.eval("() => window.demo.echo('still echoing')");
      assertThat(page.eval("() => document.getElementById('echo-off').hidden")).isEqualTo(true);
      assertNoPageErrors(page);
    }
  }

  @Test
  void withSocketIoTheEchoPlaygroundSaysItIsOff() throws Exception {
    try (SocketIoChatServer server = new SocketIoChatServer();
        Page page = open(server.origin() + "/?connect=1")) {
      assertThat(chatState(page)).containsEntry("mode", "socketio").containsEntry("state", "idle");
      assertThat(page.eval("() => document.getElementById('echo-off').hidden")).isEqualTo(false);
      assertThat(page.eval("() => document.getElementById('connect').disabled")).isEqualTo(true);
      assertThat(page.eval("() => window.demo.state().state")).isEqualTo("idle");
      assertThat(page.eval("() => document.getElementById('chat-status').hidden")).isEqualTo(true);
      // the page's own controls
      page.fill("#chat-name", "carol");
      page.click("#chat-connect");
      page.waitFor("() => window.chat.state().state === 'connected'", WAIT);
      page.click("#chat-join");
      page.waitFor("() => document.getElementById('chat-rooms').textContent === 'lobby'", WAIT);
      page.fill("#chat-text", "typed and sent");
      page.click("#chat-send");
      waitMessage(page, "typed and sent");
      assertThat(page.text("#chat-client")).contains("socket.io-client 4.8.");
      assertNoPageErrors(page);
    }
  }

  // ---- helpers

  private static Page open(String url) {
    Page page = chromium.newPage();
    try {
      assertThat(page.open(url)).isEqualTo(200);
      page.waitFor("() => window.chat !== undefined && window.demo !== undefined", WAIT);
      return page;
    } catch (RuntimeException | Error e) {
      page.close();
      throw e;
    }
  }

  private static String connect(Page page, String name, String transports) {
    return (String)
        page.eval(
            "(a) => window.chat.connect({name: a[0], transports: a[1]})",
            List.of(name, transports));
  }

  @SuppressWarnings("unchecked")
  private static List<String> join(Page page, String room) {
    return (List<String>) page.eval("(r) => window.chat.join(r)", room);
  }

  @SuppressWarnings("unchecked")
  private static List<String> leave(Page page, String room) {
    return (List<String>) page.eval("(r) => window.chat.leave(r)", room);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> waitMessage(Page page, String text) {
    return (Map<String, Object>)
        page.waitFor("(t) => window.chat.messages().find((m) => m.text === t)", text, WAIT);
  }

  @SuppressWarnings("unchecked")
  private static List<String> messageTexts(Page page) {
    return (List<String>) page.eval("() => window.chat.messages().map((m) => m.text)");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> chatState(Page page) {
    return (Map<String, Object>) page.eval("() => window.chat.state()");
  }

  private static boolean network(Page page, String kind) {
    return page.network().stream().anyMatch(e -> kind.equals(e.get("kind")));
  }

  private static void assertNoPageErrors(Page page) {
    assertThat(page.console())
        .noneMatch(m -> m.startsWith("pageerror:") || m.contains("Content Security Policy"));
  }
}
