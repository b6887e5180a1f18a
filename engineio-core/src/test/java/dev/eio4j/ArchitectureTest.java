package dev.eio4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core stays pure, and its layers point one way (style.md §5–6). */
@AnalyzeClasses(packages = "dev.eio4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule coreHasNoIoLibrary =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.netty..", "jakarta..", "javax.servlet..", "org.eclipse.jetty..", "org.apache.catalina..");

  @ArchTest
  static final ArchRule protocolDependsOnJdkOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.protocol..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.eio4j", "dev.eio4j.codec..", "dev.eio4j.spi..", "dev.eio4j.internal..", "org.slf4j..");

  @ArchTest
  static final ArchRule codecDependsOnProtocolOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.eio4j.codec..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.eio4j", "dev.eio4j.spi..", "dev.eio4j.internal..", "org.slf4j..");

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
}
