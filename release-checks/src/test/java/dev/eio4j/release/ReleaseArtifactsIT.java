package dev.eio4j.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The artifacts a release publishes, checked as files after the package phase (failsafe), so that a
 * change to a pom, to the shade step or to the module list cannot drop them silently:
 *
 * <ul>
 *   <li>each library jar's manifest carries {@code Automatic-Module-Name}, and the JDK's own module
 *       finder derives exactly that name from the jar;
 *   <li>the BOM manages every library artifact, nothing else, at the project version, and has no parent
 *       (a parent's dependencyManagement would be imported with it);
 *   <li>every module of the reactor is either a library here or listed as unpublished, so a new module
 *       needs a decision.
 * </ul>
 *
 * The paths come from Maven (dependency:properties), the resolved files: in a reactor build, the jars
 * the package phase wrote.
 */
class ReleaseArtifactsIT {
  /** Library artifactId to its module name. */
  static final Map<String, String> LIBRARIES =
      Map.of(
          "engineio-core", "dev.eio4j.core",
          "engineio-netty", "dev.eio4j.netty",
          "engineio-servlet", "dev.eio4j.servlet",
          "engineio-micrometer", "dev.eio4j.micrometer",
          "engineio-testkit", "dev.eio4j.testing",
          "engineio-spring-boot-starter", "dev.eio4j.spring.boot",
          "engineio-server", "dev.eio4j.server",
          "socketio-core", "dev.eio4j.socketio");

  /** Reactor module directories that publish no library (tests, examples, tooling, the BOM itself). */
  static final Set<String> NOT_LIBRARIES =
      Set.of(
          "eio4j-bom",
          "engineio-interop-tests",
          "engineio-browser-tests",
          "examples",
          "examples-spring-boot",
          "benchmarks",
          "release-checks");

  static List<String> libraries() {
    return new ArrayList<>(new TreeSet<>(LIBRARIES.keySet()));
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void theJarNamesItsModule(String artifactId) throws IOException {
    Path jar = artifact("eio4j.jar." + artifactId);
    assertThat(Files.isRegularFile(jar))
        .as(
            "%s resolved to %s: a packaged jar is expected (run mvn verify, not mvn test)",
            artifactId, jar)
        .isTrue();
    String expected = LIBRARIES.get(artifactId);
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertThat(manifest).as("%s has a manifest", jar).isNotNull();
      assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name"))
          .as("Automatic-Module-Name of %s", jar)
          .isEqualTo(expected);
    }
    Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
    assertThat(found).hasSize(1);
    ModuleDescriptor descriptor = found.iterator().next().descriptor();
    assertThat(descriptor.isAutomatic()).isTrue();
    assertThat(descriptor.name()).isEqualTo(expected);
  }

  @Test
  void theModuleNamesAreDistinct() {
    assertThat(new TreeSet<>(LIBRARIES.values())).hasSameSizeAs(LIBRARIES.values());
  }

  @Test
  void theBomManagesEveryLibraryAtTheProjectVersion() throws Exception {
    Element project = parse(artifact("eio4j.bom")).getDocumentElement();
    assertThat(children(project, "parent")).as("the BOM has no parent").isEmpty();
    assertThat(text(project, "packaging")).isEqualTo("pom");
    assertThat(text(project, "version")).isEqualTo(System.getProperty("eio4j.version"));
    Element management = children(project, "dependencyManagement").get(0);
    Set<String> managed = new TreeSet<>();
    for (Element dependency : children(children(management, "dependencies").get(0), "dependency")) {
      String id = text(dependency, "artifactId");
      assertThat(text(dependency, "groupId")).as(id).isEqualTo("dev.eio4j");
      assertThat(text(dependency, "version")).as(id).isEqualTo("${project.version}");
      assertThat(children(dependency, "scope")).as("%s has no scope", id).isEmpty();
      assertThat(managed.add(id)).as("%s listed once", id).isTrue();
    }
    assertThat(managed).isEqualTo(new TreeSet<>(LIBRARIES.keySet()));
  }

  @Test
  void everyReactorModuleIsALibraryOrListedAsUnpublished() throws Exception {
    Path root = Path.of(System.getProperty("eio4j.root"));
    Element project = parse(root.resolve("pom.xml")).getDocumentElement();
    Set<String> unclassified = new TreeSet<>();
    Set<String> seen = new TreeSet<>();
    for (Element module : children(children(project, "modules").get(0), "module")) {
      String dir = module.getTextContent().trim();
      seen.add(dir);
      String artifactId =
          text(parse(root.resolve(dir).resolve("pom.xml")).getDocumentElement(), "artifactId");
      if (!LIBRARIES.containsKey(artifactId) && !NOT_LIBRARIES.contains(dir)) {
        unclassified.add(dir);
      }
    }
    assertThat(unclassified)
        .as("modules that are neither a library (BOM, module name) nor listed as unpublished")
        .isEmpty();
    assertThat(seen).containsAll(NOT_LIBRARIES);
  }

  private static Path artifact(String property) {
    String value = System.getProperty(property);
    assertThat(value)
        .as("system property %s (set by the failsafe configuration)", property)
        .isNotBlank();
    return Path.of(value);
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  /** The direct children of {@code parent} named {@code name}. */
  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && name.equals(e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }

  /** The trimmed text of the single direct child {@code name}. */
  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
    return found.get(0).getTextContent().trim();
  }
}
