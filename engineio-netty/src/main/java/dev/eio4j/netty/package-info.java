/**
 * The Netty runtime: {@link dev.eio4j.netty.EngineIoNettyServer}, an embeddable standalone server for
 * an {@link dev.eio4j.EngineIoServer}. Depends on the core API and Netty.
 */
package dev.eio4j.netty;
