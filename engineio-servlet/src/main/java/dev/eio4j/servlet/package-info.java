/**
 * The Servlet runtime: {@link dev.eio4j.servlet.EngineIoServlet} (async long-polling, and WebSocket
 * through the container's Jakarta WebSocket {@code ServerContainer}) and {@link
 * dev.eio4j.servlet.EngineIoServlets}, which registers it in one call. Depends on the core API and the
 * Jakarta Servlet 6.1 and WebSocket 2.2 APIs, which the container provides.
 */
package dev.eio4j.servlet;
