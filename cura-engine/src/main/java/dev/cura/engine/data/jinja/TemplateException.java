package dev.cura.engine.data.jinja;

/** A template that does not parse, or fails while rendering (raise_exception, type errors). */
public final class TemplateException extends IllegalArgumentException {
  public TemplateException(String message) {
    super(message);
  }
}
