package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real server process given bad flags: one clear message, exit status 2, no stack trace, no server. */
class MainFlagErrorTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--port|0|--cors-origin|*|--cors-credentials",
        "--port|0|--cors-origin|https://a.example,,https://b.example",
        "--port|abc",
        "--port|0|--node-id|N01"
      })
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBadFlagIsAOneLineErrorAndExitStatus2(String joined) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--host",
                "127.0.0.1"));
    command.addAll(List.of(joined.split("\\|")));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      // a few short lines at most fit in the pipe: the process can end before they are read
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process ends by itself").isTrue();
      String output = readAll(p.getInputStream());
      assertThat(p.exitValue()).as(output).isEqualTo(2);
      List<String> lines = output.lines().toList();
      assertThat(lines).as(output).hasSize(2);
      assertThat(lines.get(0)).startsWith("error: --");
      assertThat(lines.get(1)).isEqualTo("Run with --help for the list of flags.");
      assertThat(output).doesNotContain("Exception", "\tat ");
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** What the ended process wrote. */
  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
