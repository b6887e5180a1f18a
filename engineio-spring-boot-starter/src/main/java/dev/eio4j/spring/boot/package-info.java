/**
 * Spring Boot 4 auto-configuration for eio4j: {@link dev.eio4j.spring.boot.EngineIoAutoConfiguration}
 * serves Engine.IO on the application's port through {@code engineio-servlet}, configured by {@link
 * dev.eio4j.spring.boot.EngineIoProperties} ({@code engineio.*}) and {@link
 * dev.eio4j.spring.boot.EngineIoServerCustomizer} beans.
 */
package dev.eio4j.spring.boot;
