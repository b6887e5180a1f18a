package dev.eio4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flags table of docs/configuration.md is what {@code --help} prints: the same flags, and the same
 * default wherever the table gives one as a single value or a number.
 */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("../docs/configuration.md");
  private static final Pattern FLAG = Pattern.compile("--[a-z0-9-]+");
  private static final Pattern NUMBER = Pattern.compile("^\\d[\\d.]*(?=\\s|$)");

  @Test
  void theFlagsTableIsTheHelp() throws IOException {
    Map<String, String> doc = docTable();
    Map<String, String> help = helpRows();
    assertThat(help.remove("--help"))
        .isNotNull(); // the doc names it above the table, which it prints
    assertThat(new TreeSet<>(doc.keySet()))
        .as("flags in docs/configuration.md")
        .isEqualTo(new TreeSet<>(help.keySet()));
    int checked = 0;
    for (Map.Entry<String, String> row : doc.entrySet()) {
      String stated = row.getValue();
      Matcher number = NUMBER.matcher(stated);
      String expected = !stated.contains(" ") ? stated : number.find() ? number.group() : null;
      if (expected != null) {
        assertThat(help.get(row.getKey()))
            .as("--help on %s (the doc says %s)", row.getKey(), stated)
            .contains("[" + expected);
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(12);
  }

  /** Flag → documented default, from the "Command-line flags" table. */
  private static Map<String, String> docTable() throws IOException {
    String text = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Command-line flags\n");
    assertThat(start).as("docs/configuration.md has a Command-line flags section").isNotNegative();
    int end = text.indexOf("\n## ", start + 1);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
      String[] cells = line.split("\\s*(?<!\\\\)\\|\\s*");
      if (cells.length < 3 || !cells[1].startsWith("`--")) {
        continue;
      }
      String flags =
          cells[1].replaceAll("\\([^)]*\\)", ""); // "(repeatable, `*` for any)" names no flag
      Matcher m = FLAG.matcher(flags);
      while (m.find()) {
        rows.put(m.group(), cells[2].replace("`", "").strip());
      }
    }
    assertThat(rows).isNotEmpty();
    return rows;
  }

  /** Flag → its help text, from {@code --help}. */
  private static Map<String, String> helpRows() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.printHelp(new PrintStream(out, true, StandardCharsets.UTF_8));
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
      if (!line.startsWith("  --")) {
        continue;
      }
      String strip = line.strip();
      int gap = strip.indexOf("  ");
      String flags = gap < 0 ? strip : strip.substring(0, gap);
      String text = gap < 0 ? "" : strip.substring(gap).strip();
      Matcher m = FLAG.matcher(flags);
      while (m.find()) {
        rows.put(m.group(), text);
      }
    }
    return rows;
  }
}
