package dev.eio4j.spring.boot;

import dev.eio4j.EngineIoServer;

/**
 * Adjusts the auto-configured server's builder after the {@code engineio.*} properties were applied: the
 * place for options that are code, such as {@code allowRequest}, {@code idGenerator}, the header hooks,
 * {@code listenerExecutor} or an {@code observer}.
 *
 * <pre>{@code
 * @Bean
 * EngineIoServerCustomizer auth(TokenService tokens) {
 *   return builder -> builder.allowRequest(AllowRequest.of(req -> tokens.valid(req.queryParam("token"))));
 * }
 * }</pre>
 *
 * Customizers run in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface EngineIoServerCustomizer {
  /** Changes {@code builder}; the server is built from it afterwards. */
  void customize(EngineIoServer.Builder builder);
}
