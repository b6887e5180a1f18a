package dev.eio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the sources and the documentation cite exists in the repository: every {@code docs/…} path in a
 * Java source names a file; every {@code §} section a source cites next to a Markdown file is a heading
 * of that file; every transcript exchange ({@code T/05b D2}) is a file of docs/transcripts with that
 * label; every relative link of the Markdown files reaches a file and, with a {@code #fragment}, a
 * heading. Sources are every module's {@code src/main/java} and {@code src/test/java}.
 */
class DocReferencesTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** A repository path a comment cites: docs/…, README.md or ARCHITECTURE.md. */
  private static final Pattern DOC_PATH =
      Pattern.compile("(?<![\\w/.])((?:docs/[\\w./-]*[\\w/])|README\\.md|ARCHITECTURE\\.md)");

  /** A section number after its document: docs/protocol.md §4, docs/protocol.md §6.3, docs/protocol.md §4–5. */
  private static final Pattern SECTION =
      Pattern.compile("§(\\d+(?:\\.\\d+)?)(?:[–-](\\d+(?:\\.\\d+)?))?");

  /** What a section may belong to: a Markdown file, or an outside standard (RFC 9110 §8.6). */
  private static final Pattern SECTION_OWNER = Pattern.compile("([\\w./-]+\\.md)|(RFC \\d+)");

  /** {@code T/05b}, with optional labels: {@code T/05b D2}, {@code T/10 A–C}, {@code T/05b D, G, I}. */
  private static final Pattern TRANSCRIPT =
      Pattern.compile(
          "T/(\\d{2}[a-z]?)((?:(?:, | and | )[A-Z]\\d?(?:[–-][A-Z]\\d?)?(?![\\w/-]))*)");

  private static final Pattern LABEL = Pattern.compile("([A-Z])(\\d?)(?:[–-]([A-Z])(\\d?))?");
  private static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");

  @Test
  void theRepositoryRootIsWhereTheDocsAre() {
    assertThat(ROOT.resolve("pom.xml")).exists();
    assertThat(ROOT.resolve("docs/protocol.md")).exists();
  }

  @Test
  void everyDocumentCitedInTheSourcesExists() throws IOException {
    List<String> missing = new ArrayList<>();
    List<Path> sources = javaSources();
    assertThat(sources).hasSizeGreaterThan(100);
    for (Path source : sources) {
      forEachLine(
          source,
          (where, line) -> {
            Matcher m = DOC_PATH.matcher(line);
            while (m.find()) {
              if (!Files.exists(ROOT.resolve(m.group(1)))) {
                missing.add(where + ": " + m.group(1));
              }
            }
          });
    }
    assertThat(missing).as("cited files that do not exist").isEmpty();
  }

  @Test
  void everySectionCitedInTheSourcesIsAHeadingOfItsDocument() throws IOException {
    List<String> broken = new ArrayList<>();
    int[] checked = {0};
    for (Path source : javaSources()) {
      forEachLine(
          source,
          (where, line) -> {
            Matcher m = SECTION.matcher(line);
            while (m.find()) {
              String owner = ownerBefore(line, m.start());
              if (owner == null) {
                broken.add(
                    where
                        + ": §"
                        + m.group(1)
                        + " names no document; write e.g. docs/protocol.md §"
                        + m.group(1));
              } else if (!owner.startsWith("RFC ")) {
                Path doc =
                    ROOT.resolve(
                        owner); // a bare "protocol.md" resolves nowhere: cite docs/protocol.md
                for (String section : sectionsOf(m)) {
                  checked[0]++;
                  if (!Files.exists(doc) || !hasSection(doc, section)) {
                    broken.add(where + ": " + owner + " §" + section);
                  }
                }
              }
            }
          });
    }
    assertThat(broken).as("sections that do not exist").isEmpty();
    assertThat(checked[0]).isGreaterThan(50);
  }

  @Test
  void everyTranscriptExchangeCitedExists() throws IOException {
    List<String> broken = new ArrayList<>();
    int[] checked = {0};
    List<Path> files = new ArrayList<>(javaSources());
    files.add(ROOT.resolve("docs/protocol.md"));
    for (Path source : files) {
      forEachLine(
          source,
          (where, line) -> {
            Matcher m = TRANSCRIPT.matcher(line);
            while (m.find()) {
              checked[0]++;
              Path transcript = transcript(m.group(1));
              if (transcript == null) {
                broken.add(
                    where
                        + ": T/"
                        + m.group(1)
                        + " (no docs/transcripts/"
                        + m.group(1)
                        + "-*.txt)");
                continue;
              }
              for (String label : labelsOf(m.group(2))) {
                if (!hasLabel(transcript, label)) {
                  broken.add(
                      where
                          + ": T/"
                          + m.group(1)
                          + " "
                          + label
                          + " (no \"## "
                          + label
                          + ".\" in "
                          + transcript.getFileName()
                          + ")");
                }
              }
            }
          });
    }
    assertThat(broken).as("transcript exchanges that do not exist").isEmpty();
    assertThat(checked[0]).isGreaterThan(50);
  }

  @Test
  void everyRelativeLinkOfTheMarkdownFilesResolves() throws IOException {
    List<Path> docs =
        new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("ARCHITECTURE.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path doc : docs) {
      boolean[] fenced = {false};
      forEachLine(
          doc,
          (where, line) -> {
            if (line.startsWith("```")) {
              fenced[0] = !fenced[0];
            }
            Matcher m = MD_LINK.matcher(fenced[0] ? "" : CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
              String link = m.group(1);
              if (link.matches("^[a-z]+:.*")) {
                continue; // http:, https:, mailto:
              }
              int hash = link.indexOf('#');
              String file = hash < 0 ? link : link.substring(0, hash);
              Path target = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
              if (!Files.exists(target)) {
                broken.add(where + ": " + link);
              } else if (hash >= 0 && !anchorsOf(target).contains(link.substring(hash + 1))) {
                broken.add(where + ": " + link + " (no such heading)");
              }
            }
          });
    }
    assertThat(broken).as("links that lead nowhere").isEmpty();
    assertThat(docs)
        .allSatisfy(
            doc ->
                assertThat(fenceCount(doc) % 2)
                    .as("%s closes every code block", doc.getFileName())
                    .isZero());
  }

  // ------------------------------------------------------------------ sections

  /** The nearest Markdown file or RFC named before {@code end} on the line, or null. */
  private static String ownerBefore(String line, int end) {
    Matcher o = SECTION_OWNER.matcher(line.substring(0, end));
    String owner = null;
    while (o.find()) {
      owner = o.group(1) != null ? o.group(1) : o.group(2);
    }
    return owner;
  }

  private static List<String> sectionsOf(Matcher m) {
    return m.group(2) == null ? List.of(m.group(1)) : List.of(m.group(1), m.group(2));
  }

  /** In docs/protocol.md, the heading "## 4. Handshake" is §4 and "### 6.3 The upgrade …" is §6.3. */
  static boolean hasSection(Path doc, String section) {
    Pattern heading = Pattern.compile("^#{1,6} " + Pattern.quote(section) + "(?:\\.|\\s)");
    return lines(doc).stream().anyMatch(l -> heading.matcher(l).find());
  }

  // ------------------------------------------------------------------ transcripts

  private static Path transcript(String prefix) {
    try (Stream<Path> s = Files.list(ROOT.resolve("docs/transcripts"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix + "-"))
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "D, G, I" → D, G, I; "A–C" → A, B, C; "A3" → A3. */
  static List<String> labelsOf(String list) {
    List<String> labels = new ArrayList<>();
    Matcher l = LABEL.matcher(list);
    while (l.find()) {
      if (l.group(3) == null) {
        labels.add(l.group(1) + l.group(2));
      } else if (l.group(2).isEmpty() && l.group(4).isEmpty()) {
        for (char c = l.group(1).charAt(0); c <= l.group(3).charAt(0); c++) {
          labels.add(String.valueOf(c));
        }
      } else {
        labels.add(l.group(1) + l.group(2));
        labels.add(l.group(3) + l.group(4));
      }
    }
    return labels;
  }

  private static boolean hasLabel(Path transcript, String label) {
    return lines(transcript).stream().anyMatch(l -> l.startsWith("## " + label + ". "));
  }

  // ------------------------------------------------------------------ Markdown anchors

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
  static Set<String> anchorsOf(Path doc) {
    Set<String> anchors = new HashSet<>();
    boolean fenced = false;
    for (String line : lines(doc)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.matches("^#{1,6} .*")) {
        String text = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT);
        anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static long fenceCount(Path doc) {
    return lines(doc).stream().filter(l -> l.startsWith("```")).count();
  }

  // ------------------------------------------------------------------ files

  static List<Path> javaSources() throws IOException {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(
              p -> {
                String rel = ROOT.relativize(p).toString().replace('\\', '/');
                return (rel.contains("/src/main/java/") || rel.contains("/src/test/java/"))
                    && !rel.contains("/target/")
                    && !rel.contains("/node_modules/");
              })
          .sorted()
          .toList();
    }
  }

  private interface LineVisitor {
    void visit(String where, String line);
  }

  private static void forEachLine(Path file, LineVisitor visitor) {
    List<String> lines = lines(file);
    String rel = ROOT.relativize(file).toString();
    for (int i = 0; i < lines.size(); i++) {
      visitor.visit(rel + ":" + (i + 1), lines.get(i));
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
