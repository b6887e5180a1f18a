package dev.eio4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of {@code engineio-core}, checked on its main classes (ARCHITECTURE.md lists them):
 * no class depends on an I/O library (Netty, Jakarta, {@code javax.servlet}, Jetty, Tomcat); {@code
 * protocol} depends on no other package of the core and not on slf4j; {@code codec} on none but {@code
 * protocol}, and not on slf4j; {@code spi} on neither {@code internal} nor {@code codec}; and {@code
 * internal} is used by the root API only, never by {@code protocol}, {@code codec} or {@code spi}. The
 * packages below the root form no dependency cycle, and the engine does not know the server facade
 * that owns it.
 */
@AnalyzeClasses(packages = "dev.eio4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreHasNoIoLibrary =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.netty..",
              "jakarta..",
              "javax.servlet..",
              "org.eclipse.jetty..",
              "org.apache.catalina..");

  @ArchTest
  static final ArchRule protocolDependsOnJdkOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.protocol..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.eio4j",
              "dev.eio4j.codec..",
              "dev.eio4j.spi..",
              "dev.eio4j.internal..",
              "org.slf4j..");

  @ArchTest
  static final ArchRule codecDependsOnProtocolOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.codec..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.eio4j", "dev.eio4j.spi..", "dev.eio4j.internal..", "org.slf4j..");

  @ArchTest
  static final ArchRule spiDoesNotSeeInternals =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.spi..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.eio4j.internal..", "dev.eio4j.codec..");

  @ArchTest
  static final ArchRule nothingButTheFacadeUsesInternals =
      noClasses()
          .that()
          .resideInAnyPackage("dev.eio4j.protocol..", "dev.eio4j.codec..", "dev.eio4j.spi..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.eio4j.internal..");

  @ArchTest
  static final ArchRule subpackagesAreFreeOfCycles =
      slices().matching("dev.eio4j.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule engineDoesNotKnowTheServerFacade =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.internal..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("dev.eio4j.EngineIoServer");
}
