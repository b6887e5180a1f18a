package dev.eio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The snippets of docs/embedding.md are the examples' code: every import of a snippet is in its example,
 * and its code lines appear there in the same order, one after the other; every run command names a
 * main class that exists. The examples compile and run, so the snippets do too.
 */
class EmbeddingDocTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void jettySnippetIsTheJettyExample() throws IOException {
    assertSnippetIn(
        "\n## Jetty 12.1",
        ROOT.resolve("examples/src/main/java/dev/eio4j/examples/JettyEchoServer.java"));
  }

  @Test
  void tomcatSnippetIsTheTomcatExample() throws IOException {
    assertSnippetIn(
        "\n## Tomcat 11",
        ROOT.resolve("examples/src/main/java/dev/eio4j/examples/TomcatEchoServer.java"));
  }

  @Test
  void springBootSnippetIsTheSpringBootExample() throws IOException {
    assertSnippetIn(
        "\n## Spring Boot 4.0",
        ROOT.resolve(
            "examples-spring-boot/src/main/java/dev/eio4j/examples/boot/EchoApplication.java"));
  }

  @Test
  void runCommandsNameExistingMainClasses() throws IOException {
    String section = embeddingDoc();
    Matcher m = Pattern.compile("-Dexec\\.mainClass=([\\w.]+)").matcher(section);
    int found = 0;
    while (m.find()) {
      found++;
      Path source =
          ROOT.resolve("examples/src/main/java/" + m.group(1).replace('.', '/') + ".java");
      assertThat(source).as(m.group(1)).exists();
    }
    assertThat(found).isEqualTo(2);
    assertThat(section).contains("mvn -q -pl examples-spring-boot -am compile exec:java");
  }

  private static String embeddingDoc() throws IOException {
    return Files.readString(ROOT.resolve("docs/embedding.md"));
  }

  private static void assertSnippetIn(String heading, Path example) throws IOException {
    String section = embeddingDoc();
    int at = section.indexOf(heading);
    assertThat(at).as(heading).isNotNegative();
    int open = section.indexOf("```java\n", at);
    int close = section.indexOf("\n```", open + 8);
    List<String> snippet = section.substring(open + 8, close).lines().map(String::strip).toList();
    List<String> source = Files.readAllLines(example).stream().map(String::strip).toList();

    List<String> code = new ArrayList<>();
    for (String line : snippet) {
      if (line.startsWith("import ")) {
        assertThat(source).as("%s imports it", example.getFileName()).contains(line);
      } else if (!line.isEmpty()) {
        code.add(line);
      }
    }
    List<String> sourceCode = source.stream().filter(l -> !l.isEmpty()).toList();
    assertThat(indexOfRun(sourceCode, code))
        .as("the %s snippet, line by line, in %s", heading, example.getFileName())
        .isNotNegative();
  }

  private static int indexOfRun(List<String> haystack, List<String> run) {
    for (int i = 0; i + run.size() <= haystack.size(); i++) {
      if (haystack.subList(i, i + run.size()).equals(run)) {
        return i;
      }
    }
    return -1;
  }
}
