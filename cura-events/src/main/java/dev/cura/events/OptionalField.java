package dev.cura.events;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that may be absent (or {@code null}) in an event's JSON. Every other
 * component is required: {@link EventCodec} rejects a payload that lacks it, naming the field.
 * Optional components use reference types ({@code Integer}, not {@code int}) so absence stays
 * visible as {@code null}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OptionalField {}
