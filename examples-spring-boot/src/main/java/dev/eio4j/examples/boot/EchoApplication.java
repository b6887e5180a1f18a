package dev.eio4j.examples.boot;

import dev.eio4j.EngineIoServer;
import dev.eio4j.EngineIoSocket;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application with Engine.IO on its own port (8080): {@code engineio-spring-boot-starter}
 * serves polling and WebSocket at {@code /engine.io/}, next to the application's REST endpoint at
 * {@code /sockets}. Every message is echoed. Options come from {@code application.properties}
 * ({@code engineio.*}). docs/embedding.md shows this code.
 */
@SpringBootApplication
@RestController
public class EchoApplication {
  /** Starts the application. */
  public static void main(String[] args) {
    SpringApplication.run(EchoApplication.class, args);
  }

  /** Every new socket echoes what it receives, text as text and binary as binary. */
  @Bean
  Consumer<EngineIoSocket> echo() {
    return socket -> socket.onMessage(socket::send);
  }

  private final EngineIoServer engineIo;

  EchoApplication(EngineIoServer engineIo) {
    this.engineIo = engineIo;
  }

  /** The application's own endpoint, on the same port: how many sockets are open. */
  @GetMapping("/sockets")
  Map<String, Integer> sockets() {
    return Map.of("open", engineIo.socketCount());
  }
}
